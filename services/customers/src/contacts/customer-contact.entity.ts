import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@openretail/contracts';

/**
 * A customer contact as an order carried it, recorded before identity resolution existed. No longer
 * written: the identity backfill resolves each like an incoming order (a profile and a link for its
 * order) and deletes it; once every installation has an empty table, a migration drops it.
 */
@Entity({ tableName: 'customer_contacts' })
@Index({ name: 'customer_contacts_site_phone_idx', properties: ['site', 'phone'] })
@Index({ name: 'customer_contacts_site_email_idx', properties: ['site', 'email'] })
export class CustomerContact {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  site!: string;

  /** One contact per order: a second copy of the event must not make a second contact. */
  @Property({ type: 'uuid', unique: true })
  sourceOrderId!: string;

  @Property({ type: 'text', nullable: true })
  firstName?: string;

  @Property({ type: 'text', nullable: true })
  lastName?: string;

  @Property({ type: 'text', nullable: true })
  phone?: string;

  @Property({ type: 'text', nullable: true })
  email?: string;

  @Property({ type: 'timestamptz' })
  orderedAt!: Date;

  @Property({ type: 'timestamptz' })
  recordedAt: Date = new Date();
}
