import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { DeadlineKind } from './deadlines';

/**
 * A deadline of an order (see deadlines.ts): planned in the transaction that writes the order, fired
 * once by whichever replica claims it first. Fired rows stay, so that the same key is never planned
 * as new again; unfired ones are replaced whenever the order's status or the reference data changes.
 */
@Entity({ tableName: 'order_deadlines' })
@Index({
  name: 'order_deadlines_due_idx',
  expression:
    'create index "order_deadlines_due_idx" on "order_deadlines" ("due_at") where "fired_at" is null',
})
@Index({
  name: 'order_deadlines_order_id_idx',
  expression:
    'create index "order_deadlines_order_id_idx" on "order_deadlines" ("order_id") where "fired_at" is null',
})
export class OrderDeadline {
  /** deadlineKey(): order, kind, status and the instant the status was entered. */
  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'text' })
  kind!: DeadlineKind;

  @Property({ type: 'text' })
  status!: string;

  @Property({ type: 'timestamptz' })
  statusUpdatedAt!: Date;

  @Property({ type: 'timestamptz' })
  dueAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  firedAt?: Date;
}
