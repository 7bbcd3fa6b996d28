import { Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { FieldContribution } from '../matching';

export const SUGGESTION_STATUSES = ['open', 'accepted', 'rejected'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/**
 * A possible duplicate for a manager: two profiles, the match weight and why. One row per pair
 * (customerA < customerB), so a pair is raised once; a rejected pair is never raised again.
 */
@Entity({ tableName: 'customer_match_suggestions' })
@Unique({ name: 'customer_match_suggestions_pair_uniq', properties: ['customerA', 'customerB'] })
@Index({ name: 'customer_match_suggestions_customer_b_idx', properties: ['customerB'] })
@Index({
  name: 'customer_match_suggestions_site_status_idx',
  properties: ['site', 'status', 'createdAt', 'id'],
})
export class CustomerMatchSuggestion {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'uuid' })
  customerA!: string;

  @Property({ type: 'uuid' })
  customerB!: string;

  /** Match weight (log2 odds) and probability when filed; refreshed while the suggestion is open. */
  @Property({ type: 'double' })
  weight!: number;

  @Property({ type: 'double' })
  probability!: number;

  /** Per field, from customerA's point of view (a) against customerB (b). */
  @Property({ type: 'jsonb' })
  contributions!: FieldContribution[];

  /** Fields that disagree outright: why the pair was not merged automatically. */
  @Property({ type: 'text[]' })
  contradictions!: string[];

  @Property({ type: 'text' })
  status: SuggestionStatus = 'open';

  /** What raised it: ingestion (an order's contact) or a deduplication job. */
  @Property({ type: 'text' })
  origin!: 'ingestion' | 'batch';

  @Property({ type: 'uuid', nullable: true })
  orderId?: string;

  @Property({ type: 'uuid', nullable: true })
  jobId?: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'text', nullable: true })
  decidedBy?: string;

  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date;

  /** The merge an accepted suggestion made. */
  @Property({ type: 'uuid', nullable: true })
  mergeId?: string;
}
