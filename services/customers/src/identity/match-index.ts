import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '@openretail/contracts';
import { executeBound } from '@openretail/persistence';
import {
  BLOCKING_KEY_KINDS,
  blockingKeys,
  normaliseRecord,
  type MatchRecord,
  type NormalisedRecord,
} from '../matching';
import type { CustomerState } from '../profiles/customer-state';
import type { CustomerReferenceData } from '../reference-data/customer-reference-data';

/** Every kind of key is stored; a site's configuration picks the kinds its lookups use. */
const ALL_KEYS = { blocking: { keys: [...BLOCKING_KEY_KINDS], maxBlockSize: Number.MAX_SAFE_INTEGER } };

/** What the engine compares of a profile: names, phones, emails, the main (or first) address, birthday, sex. */
export function matchRecordOf(c: CustomerState): MatchRecord {
  const address = c.addresses.find((a) => a.main) ?? c.addresses[0];
  const line = address?.text ?? [address?.street, address?.building, address?.flat].filter(Boolean).join(' ');
  return {
    id: c.id,
    site: c.site,
    firstName: c.firstName,
    lastName: c.lastName,
    patronymic: c.patronymic,
    sex: c.sex,
    phones: c.phones.map((p) => p.e164 ?? p.number),
    emails: c.emails,
    city: address?.city,
    address: line || undefined,
    birthday: c.birthday,
  };
}

export function normaliseProfile(c: CustomerState, ref: CustomerReferenceData): NormalisedRecord {
  const region = ref.phoneRegion(c.site);
  if (!region) throw ValidationError.field('site', `unknown site '${c.site}'`);
  return normaliseRecord(matchRecordOf(c), { defaultRegion: region });
}

/**
 * Keeps a live profile's comparison record and blocking keys current: call it in the transaction of
 * every change of the profile (create, edit, merge, undo), so resolution never misses it.
 */
export async function indexProfile(em: EntityManager, c: CustomerState, ref: CustomerReferenceData) {
  await storeRecords(em, [normaliseProfile(c, ref)]);
}

/**
 * Stores normalised records and exactly their keys (keys a profile no longer has are removed), in
 * one statement. Rows are found with `= any(array(...))`, an index probe per profile: a join with
 * the JSON rows is planned as a scan of the whole table (the planner takes them for 100 rows).
 */
export async function storeRecords(em: EntityManager, records: readonly NormalisedRecord[]): Promise<void> {
  if (records.length === 0) return;
  await executeBound(
    em,
    `with v as (
       select * from jsonb_to_recordset(?::jsonb) as v(customer_id uuid, site text, record jsonb, keys jsonb)
     ), r as (
       insert into customer_match_records (customer_id, site, record) select customer_id, site, record from v
       on conflict (customer_id) do update set site = excluded.site, record = excluded.record
     ), stale as (
       delete from customer_match_keys k
       where k.customer_id = any(array(select customer_id from v))
         and not exists (select 1 from v where v.customer_id = k.customer_id and jsonb_exists(v.keys, k.key))
     )
     insert into customer_match_keys (site, key, customer_id)
     select v.site, k.key, v.customer_id from v cross join lateral jsonb_array_elements_text(v.keys) as k(key)
     on conflict do nothing`,
    [
      JSON.stringify(
        records.map((r) => ({ customer_id: r.id, site: r.site, record: r, keys: storedKeys(r) })),
      ),
    ],
  );
}

/** The keys a record is stored under: every kind. */
export function storedKeys(record: NormalisedRecord): string[] {
  return blockingKeys(record, ALL_KEYS);
}

/** Profiles merged away: no record, no keys, so nothing matches them any more. */
export async function unindexProfiles(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.execute(
    `with k as (delete from customer_match_keys where customer_id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid)))
     delete from customer_match_records where customer_id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
    [JSON.stringify(ids), JSON.stringify(ids)],
  );
}

/** A contact's lookup: its site, its blocking keys, and the site's largest block. */
export interface KeyLookup {
  site: string;
  keys: readonly string[];
  maxBlockSize: number;
}

/**
 * The blocks of many lookups' keys, in one query: for each distinct (site, key) the profiles
 * holding it, read with a LIMIT one past its cap (a placeholder phone shared by 50,000 profiles
 * costs one index probe, not 50,000 rows), and the records of the profiles of every block within
 * its cap.
 */
export async function readBlocks(em: EntityManager, lookups: readonly KeyLookup[]): Promise<Blocks> {
  const wanted = new Map<string, { site: string; key: string; cap: number }>();
  for (const { site, keys, maxBlockSize } of lookups) {
    for (const key of keys) wanted.set(blockId(site, key), { site, key, cap: maxBlockSize });
  }
  if (wanted.size === 0) return new Blocks(new Map(), new Map());
  const rows = await executeBound<
    { site: string | null; key: string | null; ids: string[] | null; record: NormalisedRecord | null }[]
  >(
    em,
    `with blocks as (
       select k.site, k.key, k.cap, b.ids from jsonb_to_recordset(?::jsonb) as k(site text, key text, cap int)
       cross join lateral (
         select array_agg(m.customer_id::text order by m.customer_id) as ids from (
           select customer_id from customer_match_keys m where m.site = k.site and m.key = k.key limit k.cap + 1
         ) m
       ) b
       where b.ids is not null
     )
     select site, key, ids, null::jsonb as record from blocks
     union all
     select null, null, null, r.record from customer_match_records r
     where r.customer_id = any(array(select unnest(ids)::uuid from blocks where cardinality(ids) <= cap))`,
    [JSON.stringify([...wanted.values()])],
  );
  const blocks = new Map<string, string[]>();
  const records = new Map<string, NormalisedRecord>();
  for (const row of rows) {
    if (row.record) records.set(row.record.id, row.record);
    else blocks.set(blockId(row.site!, row.key!), row.ids!);
  }
  return new Blocks(blocks, records);
}

const blockId = (site: string, key: string) => `${site}|${key}`;

/**
 * Blocks as read from the index, and the records of profiles changed since (made or edited by
 * resolutions of the same transaction), which replace what was read: candidates are found as the
 * index would find them with those changes stored.
 */
export class Blocks {
  /** The keys of each changed profile, and the changed profiles holding each key. */
  private readonly changedKeys = new Map<string, Set<string>>();
  private readonly changedHolders = new Map<string, Set<string>>();

  constructor(
    private readonly read: ReadonlyMap<string, readonly string[]>,
    private readonly records: Map<string, NormalisedRecord>,
  ) {}

  /** The candidates of a lookup: the records of the profiles of each of its blocks within the cap, in id order. */
  candidates({ site, keys, maxBlockSize }: KeyLookup): NormalisedRecord[] {
    const ids = new Set<string>();
    for (const key of new Set(keys)) {
      const id = blockId(site, key);
      const read = this.read.get(id) ?? [];
      // Read with a LIMIT of cap + 1: that many means over the cap already.
      if (read.length > maxBlockSize) continue;
      const holders = new Set(read.filter((p) => this.changedKeys.get(p)?.has(id) ?? true));
      for (const p of this.changedHolders.get(id) ?? []) holders.add(p);
      if (holders.size <= maxBlockSize) for (const p of holders) ids.add(p);
    }
    return [...ids].sort().flatMap((id) => this.records.get(id) ?? []);
  }

  /** A profile stored since the blocks were read, with the keys storeRecords gives it. */
  put(record: NormalisedRecord): void {
    for (const id of this.changedKeys.get(record.id) ?? []) this.changedHolders.get(id)?.delete(record.id);
    const ids = new Set(storedKeys(record).map((key) => blockId(record.site, key)));
    this.changedKeys.set(record.id, ids);
    for (const id of ids) {
      let holders = this.changedHolders.get(id);
      if (!holders) this.changedHolders.set(id, (holders = new Set()));
      holders.add(record.id);
    }
    this.records.set(record.id, record);
  }
}

/** The name of the advisory lock of a blocking key of a site (see lockNames). */
export const keyLock = (site: string, key: string) => `${site}|${key}`;

/** The name of the advisory lock of an order's link. */
export const orderLinkLock = (orderId: string) => `order-link|${orderId}`;

/**
 * Serialises resolutions that could meet: a transaction-scoped advisory lock per name (an order's
 * link, a blocking key of a site), all in one statement and in one order (of their hashes), so two
 * resolutions never wait for each other crosswise; held until commit. Two orders of one new
 * customer handled at once by two replicas then make one profile, not two.
 */
export async function lockNames(em: EntityManager, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await executeBound(
    em,
    `select pg_advisory_xact_lock(h) from (
       select distinct hashtextextended(k, 0) as h from jsonb_array_elements_text(?::jsonb) k order by 1
     ) locks`,
    [JSON.stringify(names)],
  );
}
