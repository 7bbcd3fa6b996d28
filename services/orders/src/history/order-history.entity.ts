import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One changed field of one order. The id is the installation-wide cursor integrations read
 * history with ("entries after id N"); it comes from a sequence, so it only grows.
 */
@Entity({ tableName: 'order_history' })
@Index({ name: 'order_history_order_id_idx', properties: ['orderId', 'id'] })
@Index({ name: 'order_history_site_idx', properties: ['site', 'id'] })
export class OrderHistoryEntry {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text' })
  field!: string;

  @Property({ type: 'jsonb', nullable: true })
  oldValue!: unknown;

  @Property({ type: 'jsonb', nullable: true })
  newValue!: unknown;

  @Property({ type: 'text', nullable: true })
  userId?: string;

  @Property({ type: 'text' })
  source!: string;

  /** The API key the change was made with: integrations skip their own changes by it. */
  @Property({ type: 'text', nullable: true })
  apiKeyId?: string;

  /** The order's version this change produced: entries of one command share it. */
  @Property({ type: new BigIntType('number') })
  orderVersion!: number;

  @Property({ type: 'timestamptz' })
  at!: Date;
}
