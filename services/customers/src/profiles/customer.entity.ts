import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** A phone as given and, when it parses for the site's region, in E.164. */
export interface StoredPhone {
  number: string;
  e164?: string;
}

/** A postal address; `text` is the address as one line when it came unstructured. */
export interface StoredAddress {
  id: string;
  /** e.g. "Home", "Warehouse". */
  name?: string;
  /** The address deliveries go to by default; one per customer at most. */
  main?: boolean;
  text?: string;
  country?: string;
  region?: string;
  city?: string;
  street?: string;
  building?: string;
  flat?: string;
  postcode?: string;
  notes?: string;
}

/** Consent per channel: granted or denied, since when, and who recorded it from where. */
export interface StoredConsent {
  status: 'granted' | 'denied';
  at: string;
  source: string;
}
export type StoredConsents = Partial<Record<'email' | 'sms' | 'messengers', StoredConsent>>;

/**
 * An individual customer: one person, on one site. Scalars are columns; the lists (phones,
 * addresses) and maps (custom fields, consent) are JSON, written whole with the row. The `*_keys`
 * and `name_key` columns are derived from them (normalised phones, lowercased emails, the name in
 * search form) so that search and identity resolution find profiles through indexes.
 *
 * The metrics columns belong to the metrics kept from order events; profile commands never write
 * them. `merged_into` marks a profile merged away: it points at the survivor.
 */
@Entity({ tableName: 'customers' })
@Unique({ name: 'customers_site_external_id_uniq', properties: ['site', 'externalId'] })
@Unique({ name: 'customers_site_idempotency_key_uniq', properties: ['site', 'idempotencyKey'] })
@Unique({ name: 'customers_numeric_id_uniq', properties: ['numericId'] })
@Index({ name: 'customers_site_created_at_idx', properties: ['site', 'createdAt', 'id'] })
@Index({ name: 'customers_manager_id_idx', properties: ['managerId'] })
@Index({ name: 'customers_merged_into_idx', properties: ['mergedInto'] })
// Segments with "last order within N days" re-evaluate the customers whose last order a day boundary passed.
@Index({ name: 'customers_last_order_at_idx', properties: ['lastOrderAt'] })
@Index({
  name: 'customers_phone_keys_idx',
  expression: 'create index "customers_phone_keys_idx" on "customers" using gin ("phone_keys")',
})
@Index({
  name: 'customers_email_keys_idx',
  expression: 'create index "customers_email_keys_idx" on "customers" using gin ("email_keys")',
})
@Index({
  name: 'customers_name_key_idx',
  expression: 'create index "customers_name_key_idx" on "customers" using gin ("name_key" gin_trgm_ops)',
})
export class Customer {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /**
   * The customer's number in the installation, for integrations that name customers by numbers
   * (RetailCRM's API). The database gives it from customer_numeric_id_seq, the sequence corporate
   * customers take theirs from too, so one number names one customer of either kind.
   */
  @Property({ type: new BigIntType('number'), autoincrement: true })
  numericId!: number;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text', nullable: true })
  externalId?: string;

  /** The client's retry key of the create, and a fingerprint of that request. */
  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string;

  @Property({ type: 'text', nullable: true })
  requestFingerprint?: string;

  @Property({ type: 'text', nullable: true })
  firstName?: string;

  @Property({ type: 'text', nullable: true })
  lastName?: string;

  @Property({ type: 'text', nullable: true })
  patronymic?: string;

  /** Last, first and patronymic names lowercased, ё as е, spaces collapsed: what name search matches. */
  @Property({ type: 'text', nullable: true })
  nameKey?: string;

  @Property({ type: 'jsonb' })
  phones!: StoredPhone[];

  /** The E.164 forms of the phones. */
  @Property({ type: 'text[]' })
  phoneKeys!: string[];

  @Property({ type: 'text[]' })
  emails!: string[];

  /** The emails trimmed and lowercased. */
  @Property({ type: 'text[]' })
  emailKeys!: string[];

  @Property({ type: 'jsonb' })
  addresses!: StoredAddress[];

  /** YYYY-MM-DD. */
  @Property({ type: 'date', nullable: true })
  birthday?: string;

  @Property({ type: 'text', nullable: true })
  sex?: string;

  @Property({ type: 'text[]' })
  tags!: string[];

  @Property({ type: 'jsonb' })
  customFields!: Record<string, string | number | boolean>;

  @Property({ type: 'jsonb' })
  consent!: StoredConsents;

  @Property({ type: 'text', nullable: true })
  managerId?: string;

  @Property({ type: 'boolean' })
  vip!: boolean;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  /** One more with every change: optimistic concurrency for clients (If-Match), ordering for consumers. */
  @Property({ type: new BigIntType('number') })
  version!: number;

  /** Set when this profile was merged into another one: the survivor's id. */
  @Property({ type: 'uuid', nullable: true })
  mergedInto?: string;

  // Metrics from order events.

  @Property({ type: 'integer', default: 0 })
  ordersCount: number = 0;

  /** The currency of the money metrics (the site's); null before the first order. */
  @Property({ type: 'text', nullable: true })
  metricsCurrency?: string;

  @Property({ type: new BigIntType('number'), default: 0 })
  totalSpentMinor: number = 0;

  @Property({ type: new BigIntType('number'), default: 0 })
  averageCheckMinor: number = 0;

  @Property({ type: new BigIntType('number'), default: 0 })
  paidTotalMinor: number = 0;

  @Property({ type: 'integer', default: 0 })
  cancellations: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  firstOrderAt?: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastOrderAt?: Date;
}
