import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A legal entity of a corporate customer, with its requisites and bank details. */
@Entity({ tableName: 'corporate_companies' })
@Index({ name: 'corporate_companies_corporate_id_idx', properties: ['corporateCustomerId'] })
@Index({ name: 'corporate_companies_inn_idx', properties: ['inn'] })
export class CorporateCompany {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  corporateCustomerId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** The company orders go to by default; one per corporate customer at most. */
  @Property({ type: 'boolean' })
  main!: boolean;

  @Property({ type: 'text', nullable: true })
  legalName?: string;

  @Property({ type: 'text', nullable: true })
  inn?: string;

  @Property({ type: 'text', nullable: true })
  kpp?: string;

  @Property({ type: 'text', nullable: true })
  ogrn?: string;

  /** A tax number outside Russia (VAT id and the like). */
  @Property({ type: 'text', nullable: true })
  taxNumber?: string;

  @Property({ type: 'text', nullable: true })
  legalAddress?: string;

  @Property({ type: 'text', nullable: true })
  bank?: string;

  @Property({ type: 'text', nullable: true })
  bik?: string;

  @Property({ type: 'text', nullable: true })
  bankAccount?: string;

  @Property({ type: 'text', nullable: true })
  corrAccount?: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}

/**
 * A contact person: an individual customer who acts for the corporate customer. One person may be
 * the contact of several corporate customers: the "linked customers" of a buyer who orders through
 * several legal entities are the corporate customers that share that person.
 */
@Entity({ tableName: 'corporate_contacts' })
@Index({ name: 'corporate_contacts_customer_id_idx', properties: ['customerId'] })
export class CorporateContact {
  @PrimaryKey({ type: 'uuid' })
  corporateCustomerId!: string;

  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  /** e.g. "buyer", "accountant", "director". */
  @Property({ type: 'text', nullable: true })
  role?: string;

  @Property({ type: 'boolean' })
  main!: boolean;

  /** The company the person acts for, when only one. */
  @Property({ type: 'uuid', nullable: true })
  companyId?: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
