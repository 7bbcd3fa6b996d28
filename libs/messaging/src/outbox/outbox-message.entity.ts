import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An event waiting to be published. Written in the same transaction as the domain change it
 * describes, so the two are committed or rolled back together. The bigint id gives the publish
 * order; the relay never skips an unpublished row, so events of one aggregate leave in order.
 */
@Entity({ tableName: 'outbox_message' })
@Index({
  name: 'outbox_message_unpublished_idx',
  expression:
    'create index "outbox_message_unpublished_idx" on "outbox_message" ("id") where "published_at" is null',
})
export class OutboxMessage {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'uuid', unique: true })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'text' })
  messageKey!: string;

  /** The whole event envelope, exactly as it will be published. */
  @Property({ type: 'jsonb' })
  envelope!: object;

  /** Trace context of the transaction that wrote the event, so the publish joins its trace. */
  @Property({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string;
}
