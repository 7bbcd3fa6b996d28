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

/** The columns of a set-based insert, each with its PostgreSQL type. */
export type RecordsetColumns = Readonly<Record<string, string>>;

/**
 * `insert into <table> (...) select ... from jsonb_to_recordset($1)`: any number of rows in one
 * statement with one bound parameter (`param`). A column takes the row's property of its name in
 * camelCase (`customer_id` from `customerId`); a missing one is null.
 */
export function recordsetInsert(
  table: string,
  columns: RecordsetColumns,
  rows: readonly object[],
): { sql: string; param: string } {
  const names = Object.keys(columns);
  const properties = names.map((name) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
  const list = names.join(', ');
  return {
    sql: `insert into ${table} (${list}) select ${list}
      from jsonb_to_recordset(?::jsonb) as v(${names.map((n) => `${n} ${columns[n]}`).join(', ')})`,
    param: JSON.stringify(
      rows.map((row) =>
        Object.fromEntries(
          names.map((name, i) => [name, (row as Record<string, unknown>)[properties[i]] ?? null]),
        ),
      ),
    ),
  };
}

/** Inserts `rows` in one statement (see recordsetInsert). */
export async function insertRecordset(
  em: EntityManager,
  table: string,
  columns: RecordsetColumns,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const { sql, param } = recordsetInsert(table, columns, rows);
  await executeBound(em, sql, [param]);
}
