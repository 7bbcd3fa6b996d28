import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One changed field of one customer, individual or corporate. The id is the installation-wide
 * cursor integrations read history with ("entries after id N"); it comes from a sequence, so it
 * only grows. Written in the transaction of the change it records.
 */
@Entity({ tableName: 'customer_history' })
@Index({ name: 'customer_history_customer_id_idx', properties: ['customerId', 'id'] })
@Index({ name: 'customer_history_site_idx', properties: ['site', 'id'] })
export class CustomerHistoryEntry {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'uuid' })
  customerId!: string;

  /** individual or corporate. */
  @Property({ type: 'text' })
  customerKind!: string;

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

  /** The API key the change was made with; null for the service's own changes. */
  @Property({ type: 'text', nullable: true })
  apiKeyId?: string;

  /** The customer's version this change produced: entries of one command share it. */
  @Property({ type: new BigIntType('number') })
  customerVersion!: number;

  @Property({ type: 'timestamptz' })
  at!: Date;
}
