import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A manager's note on a customer: its own row, so notes never make a profile edit conflict. */
@Entity({ tableName: 'customer_notes' })
@Index({ name: 'customer_notes_customer_id_idx', properties: ['customerId', 'createdAt'] })
// Lists of every note of a site (RetailCRM's customers/notes without a customer filter).
@Index({ name: 'customer_notes_site_created_at_idx', properties: ['site', 'createdAt', 'id'] })
export class CustomerNote {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text' })
  text!: string;

  /** The user who wrote it; null when written through a key acting for nobody. */
  @Property({ type: 'text', nullable: true })
  authorId?: string;

  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;
}
