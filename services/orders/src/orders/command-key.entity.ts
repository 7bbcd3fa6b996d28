import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * An idempotency key used for a command on an existing order (a status change, a new payment), with
 * a fingerprint of the request: a retry with the same key and content changes nothing and returns
 * the order, the same key with other content is a conflict.
 */
@Entity({ tableName: 'order_command_keys' })
export class OrderCommandKey {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @Property({ type: 'text' })
  fingerprint!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
