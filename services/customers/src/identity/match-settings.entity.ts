import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import type { MatchConfigOverride, TermFrequencyTable } from '../matching';

/**
 * A site's identity resolution settings: its override of the engine's defaults (thresholds,
 * weights, blocking; validated with the engine's schema when saved), and the name frequencies of
 * its base, counted by the last deduplication job, which make common names weigh less.
 */
@Entity({ tableName: 'customer_match_settings' })
export class CustomerMatchSettings {
  @PrimaryKey({ type: 'text' })
  site!: string;

  @Property({ type: 'jsonb' })
  override: MatchConfigOverride = {};

  /** One more with every change of the override: optimistic concurrency for editors. */
  @Property({ type: 'integer' })
  version: number = 0;

  @Property({ type: 'timestamptz', nullable: true })
  updatedAt?: Date;

  @Property({ type: 'text', nullable: true })
  updatedBy?: string;

  @Property({ type: 'jsonb', nullable: true })
  termFrequencies?: TermFrequencyTable;

  @Property({ type: 'timestamptz', nullable: true })
  termFrequenciesAt?: Date;
}
