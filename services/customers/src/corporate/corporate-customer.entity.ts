import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { StoredAddress } from '../profiles/customer.entity';

/**
 * A corporate customer: a buyer that orders as one or more legal entities (its companies), through
 * contact persons who are individual customers. Companies, contacts and addresses are rows of their
 * own (companies are found by tax number, contacts by person); addresses are JSON as on individual
 * profiles. A change to any of them is a change of the corporate customer, with its version,
 * history and event.
 */
@Entity({ tableName: 'corporate_customers' })
@Unique({ name: 'corporate_customers_site_external_id_uniq', properties: ['site', 'externalId'] })
@Unique({ name: 'corporate_customers_site_idempotency_key_uniq', properties: ['site', 'idempotencyKey'] })
@Unique({ name: 'corporate_customers_numeric_id_uniq', properties: ['numericId'] })
@Index({ name: 'corporate_customers_site_created_at_idx', properties: ['site', 'createdAt', 'id'] })
@Index({ name: 'corporate_customers_merged_into_idx', properties: ['mergedInto'] })
@Index({
  name: 'corporate_customers_name_key_idx',
  expression:
    'create index "corporate_customers_name_key_idx" on "corporate_customers" using gin ("name_key" gin_trgm_ops)',
})
export class CorporateCustomer {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** From customer_numeric_id_seq, as individual customers' (see Customer.numericId). */
  @Property({ type: new BigIntType('number'), autoincrement: true })
  numericId!: number;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text', nullable: true })
  externalId?: string;

  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string;

  @Property({ type: 'text', nullable: true })
  requestFingerprint?: string;

  /** How the shop calls the buyer, e.g. "Звук и Свет" (its companies have legal names). */
  @Property({ type: 'text' })
  name!: string;

  /** The name in search form (lowercased, ё as е, spaces collapsed). */
  @Property({ type: 'text' })
  nameKey!: string;

  @Property({ type: 'text', nullable: true })
  managerId?: string;

  @Property({ type: 'boolean' })
  vip!: boolean;

  @Property({ type: 'text[]' })
  tags!: string[];

  @Property({ type: 'jsonb' })
  addresses!: StoredAddress[];

  @Property({ type: 'jsonb' })
  customFields!: Record<string, string | number | boolean>;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: new BigIntType('number') })
  version!: number;

  @Property({ type: 'uuid', nullable: true })
  mergedInto?: string;
}
