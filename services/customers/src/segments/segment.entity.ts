import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { SegmentFilter } from '@openretail/contracts';

/**
 * A dynamic segment: its definition (validated by segmentInputSchema when saved) and the state of
 * its membership. Saving a new definition bumps `version`; the segment worker then recomputes the
 * membership over the whole base in batches, keeping its place in `rebuild_after` so that any
 * replica can resume a pass, and sets `membership_version` when the pass is done.
 */
@Entity({ tableName: 'segments' })
@Unique({ name: 'segments_code_uniq', properties: ['code'] })
@Index({ name: 'segments_site_idx', properties: ['site'] })
export class Segment {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  /** Null: customers of every site. */
  @Property({ type: 'text', nullable: true })
  site?: string;

  @Property({ type: 'jsonb' })
  filter!: SegmentFilter;

  /** Goes up by one with every saved change. */
  @Property({ type: new BigIntType('number') })
  version!: number;

  /** The filter has conditions that time alone changes ("last order within 30 days"). */
  @Property({ type: 'boolean' })
  timeDependent!: boolean;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  /** The version whose membership was computed over the whole base (0: none yet). */
  @Property({ type: new BigIntType('number') })
  membershipVersion!: number;

  /** The last customer id the pass in progress has evaluated; null before its first batch. */
  @Property({ type: 'uuid', nullable: true })
  rebuildAfter?: string;

  /** Customers the pass in progress has evaluated. */
  @Property({ type: new BigIntType('number') })
  rebuildProcessed!: number;

  /** Up to when time-dependent conditions have been applied to the whole membership. */
  @Property({ type: 'timestamptz', nullable: true })
  timeEvaluatedAt?: Date;
}
