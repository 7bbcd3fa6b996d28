import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/**
 * A statement with its `?` parameters sent to PostgreSQL as bind parameters, in the entity
 * manager's transaction if it has one. em.execute writes every parameter into the SQL text as an
 * escaped literal, character by character: for the megabytes of JSON a set-based write sends, that
 * escaping and the garbage it leaves cost more than the statement.
 */
export async function executeBound<T extends object[] = Record<string, unknown>[]>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<T> {
  const query = em.getKnex().raw(sql, params as Knex.RawBinding[]);
  const trx = em.getTransactionContext<Knex.Transaction>();
  if (trx) query.transacting(trx);
  const result = (await query) as { rows: T };
  return result.rows;
}
