import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An event a consumer group has processed. Inserted in the same transaction as the handler's
 * effects: a redelivered event finds its row and has no second effect.
 */
@Entity({ tableName: 'inbox_message' })
export class InboxMessage {
  @PrimaryKey({ type: 'text' })
  consumerGroup!: string;

  @PrimaryKey({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'text' })
  topic!: string;

  @Property({ type: 'integer' })
  partition!: number;

  @Property({ type: 'bigint' })
  offset!: string;

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  processedAt: Date = new Date();
}
