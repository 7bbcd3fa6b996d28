import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The row id of the one progress record. */
export const DEADLINE_REPLAN_ID = 1;

/**
 * Progress of replanning the open orders' deadlines for a reference data version, in batches of
 * orders by id. Kept in the database so that replicas share the work, a restart resumes it, and
 * each version is replanned once rather than once per replica.
 */
@Entity({ tableName: 'order_deadline_replan' })
export class DeadlineReplan {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id: number = DEADLINE_REPLAN_ID;

  /** The reference data version the current (or last) pass plans with; 0 before the first one. */
  @Property({ type: 'integer' })
  refVersion!: number;

  /** The last order the pass replanned; the next batch starts after it. */
  @Property({ type: 'uuid', nullable: true })
  afterOrderId?: string;

  @Property({ type: 'boolean' })
  done!: boolean;
}
