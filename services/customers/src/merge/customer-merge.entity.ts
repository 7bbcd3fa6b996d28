import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { SuggestionStatus } from './suggestion.entity';

/** A corporate customer's contact person row as a merge found it. */
export interface ContactPersonRow {
  corporate_customer_id: string;
  customer_id: string;
  role: string | null;
  main: boolean;
  company_id: string | null;
  created_at: string;
}

/**
 * Everything a merge changed, as it was before: what its undo puts back. Rows are the tables' own
 * columns as JSON (to_jsonb of the row).
 */
export interface MergeSnapshot {
  /** The survivor's row, then what the merge changed of each merged profile (customer-snapshots). */
  customers: Record<string, unknown>[];
  /** Notes of the merged profiles, now the survivor's. */
  notes: { id: string; customerId: string }[];
  /** Contact persons naming a merged profile: moved to the survivor, or dropped when it was one already. */
  contactPersons: { row: ContactPersonRow; dropped: boolean }[];
  /** Order links of the merged profiles, now the survivor's. */
  links: { orderId: string; customerId: string }[];
  /** Suggestions the merge decided (pairs inside the merge), as they were. */
  suggestions: {
    id: string;
    status: SuggestionStatus;
    decidedBy?: string;
    decidedAt?: string;
    mergeId?: string;
  }[];
  /** The note the merge wrote on the survivor (what did not fit its limits), removed by the undo. */
  createdNoteId?: string;
}

export const MERGE_ORIGINS = ['manual', 'suggestion', 'batch'] as const;
export type MergeOrigin = (typeof MERGE_ORIGINS)[number];

/**
 * One merge of profiles into a survivor, with what it needs to be undone. A merge can be undone
 * while the survivor is as the merge left it (version `survivorVersion`) and no later merge involves
 * its profiles.
 */
@Entity({ tableName: 'customer_merges' })
@Index({ name: 'customer_merges_survivor_id_idx', properties: ['survivorId'] })
@Index({ name: 'customer_merges_site_created_at_idx', properties: ['site', 'createdAt', 'id'] })
@Index({
  name: 'customer_merges_merged_ids_idx',
  expression: 'create index "customer_merges_merged_ids_idx" on "customer_merges" using gin ("merged_ids")',
})
export class CustomerMerge {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'uuid' })
  survivorId!: string;

  @Property({ type: 'uuid[]' })
  mergedIds!: string[];

  @Property({ type: 'text' })
  origin!: MergeOrigin;

  @Property({ type: 'uuid', nullable: true })
  suggestionId?: string;

  @Property({ type: 'uuid', nullable: true })
  jobId?: string;

  @Property({ type: 'jsonb' })
  snapshot!: MergeSnapshot;

  /** What the merge changed on the survivor (history paths). */
  @Property({ type: 'text[]' })
  changedFields!: string[];

  /** The survivor's version the merge made. */
  @Property({ type: 'integer' })
  survivorVersion!: number;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'text', nullable: true })
  createdBy?: string;

  @Property({ type: 'text' })
  source!: string;

  @Property({ type: 'timestamptz', nullable: true })
  undoneAt?: Date;

  @Property({ type: 'text', nullable: true })
  undoneBy?: string;
}
