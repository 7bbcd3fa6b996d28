import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { NormalisedRecord } from '../matching';

/**
 * One blocking key of a live profile (see matching/blocking.ts): identity resolution finds the
 * candidates of an incoming contact with one indexed lookup of its keys. Every key kind is stored;
 * a site's configuration chooses which kinds an incoming record looks up. Profiles merged away
 * have no keys.
 */
@Entity({ tableName: 'customer_match_keys' })
@Index({ name: 'customer_match_keys_customer_id_idx', properties: ['customerId'] })
export class CustomerMatchKey {
  @PrimaryKey({ type: 'text' })
  site!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  @PrimaryKey({ type: 'uuid' })
  customerId!: string;
}

/**
 * A live profile as comparison keys (the engine's NormalisedRecord), kept next to its blocking
 * keys: candidates are scored without being normalised again, and the batch job reads a whole
 * site's records in one pass.
 */
@Entity({ tableName: 'customer_match_records' })
export class CustomerMatchRecord {
  @PrimaryKey({ type: 'uuid' })
  customerId!: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'jsonb' })
  record!: NormalisedRecord;
}
