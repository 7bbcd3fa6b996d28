import { ArrayType, BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/**
 * An order as one row: the whole order (lines, delivery, payments, custom fields) is the `document`,
 * read and written as a unit because every rule looks at the whole order; the columns beside it are
 * what lists, filters, uniqueness and the overdue scan need to find orders by. Both are written by
 * the same statement, so they never disagree.
 */
@Entity({ tableName: 'orders' })
@Unique({ name: 'orders_site_number_uniq', properties: ['site', 'number'] })
@Unique({ name: 'orders_numeric_id_uniq', properties: ['numericId'] })
@Unique({ name: 'orders_site_external_id_uniq', properties: ['site', 'externalId'] })
@Unique({ name: 'orders_site_idempotency_key_uniq', properties: ['site', 'idempotencyKey'] })
@Index({ name: 'orders_site_created_at_idx', properties: ['site', 'createdAt', 'id'] })
@Index({ name: 'orders_status_status_updated_at_idx', properties: ['status', 'statusUpdatedAt'] })
@Index({ name: 'orders_manager_id_idx', properties: ['managerId', 'createdAt'] })
@Index({ name: 'orders_customer_id_idx', properties: ['customerId'] })
@Index({ name: 'orders_phone_idx', properties: ['phone'] })
@Index({ name: 'orders_email_idx', properties: ['email'] })
@Index({ name: 'orders_payment_ids_idx', properties: ['paymentIds'], type: 'gin' })
@Index({ name: 'orders_payment_external_ids_idx', properties: ['paymentExternalIds'], type: 'gin' })
export class Order {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** The {n} of the number, unique in the installation: the id of integrations that need a number. */
  @Property({ type: new BigIntType('number') })
  numericId!: number;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text' })
  number!: string;

  @Property({ type: 'text', nullable: true })
  externalId?: string;

  /** The client's retry key and a fingerprint of the request it was first used with. */
  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string;

  @Property({ type: 'text' })
  requestFingerprint!: string;

  @Property({ type: 'text' })
  status!: string;

  @Property({ type: 'text' })
  statusGroup!: string;

  /** Whether the status group is final (complete or cancel): stale orders are the others. */
  @Property({ type: 'boolean' })
  final!: boolean;

  @Property({ type: 'text', nullable: true })
  managerId?: string;

  @Property({ type: 'text', nullable: true })
  customerId?: string;

  /** The main phone and the email, for finding a customer's orders. */
  @Property({ type: 'text', nullable: true })
  phone?: string;

  @Property({ type: 'text', nullable: true })
  email?: string;

  @Property({ type: 'text' })
  currency!: string;

  /** The numeric ids and external ids of the order's payments, to find the order of a payment by either. */
  @Property({ type: new ArrayType((id) => Number(id)), columnType: 'bigint[]', nullable: true })
  paymentIds?: number[];

  @Property({ type: ArrayType, columnType: 'text[]', nullable: true })
  paymentExternalIds?: string[];

  @Property({ type: new BigIntType('number') })
  totalMinor!: number;

  /** One more with every change: optimistic concurrency for clients, ordering for consumers. */
  @Property({ type: new BigIntType('number') })
  version!: number;

  /** The OrderState as JSON (see order-document.ts). */
  @Property({ type: 'jsonb' })
  document!: unknown;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'timestamptz' })
  statusUpdatedAt!: Date;
}
