import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { OrderLinkDecision } from '@openretail/contracts';
import type { Decision, FieldContribution } from '../matching';

/**
 * Which profile an order belongs to, and why: the explanation of every automatic decision (the
 * best candidate's weight and per-field contributions). Merges move links to the survivor and
 * their undo moves them back.
 */
@Entity({ tableName: 'customer_order_links' })
@Index({ name: 'customer_order_links_customer_id_idx', properties: ['customerId'] })
export class CustomerOrderLink {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  /** How the order got its profile at ingestion (named, matched, created); merges keep it. */
  @Property({ type: 'text' })
  decision!: OrderLinkDecision;

  /** The best candidate scored, when there was one, and its match weight (log2 odds). */
  @Property({ type: 'uuid', nullable: true })
  candidateId?: string;

  @Property({ type: 'double', nullable: true })
  weight?: number;

  /** What the engine decided for that candidate: auto-merge, suggest or distinct. */
  @Property({ type: 'text', nullable: true })
  candidateDecision?: Decision;

  @Property({ type: 'jsonb', nullable: true })
  contributions?: FieldContribution[];

  @Property({ type: 'text[]', nullable: true })
  contradictions?: string[];

  /** Possible duplicates filed with the decision. */
  @Property({ type: 'uuid[]', nullable: true })
  suggestionIds?: string[];

  @Property({ type: 'timestamptz' })
  linkedAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;
}
