import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvents } from '@openretail/messaging';
import type { SegmentFilter } from '@openretail/contracts';
import {
  applyMembershipChanges,
  diffMembership,
  membershipEvents,
  type MembershipChange,
} from '../segments/membership';
import { matchesSegment, type SegmentSubject } from '../segments/segment-match';
import { TEXT_ARRAY } from '../segments/segment-sql';
import {
  computeMetrics,
  factOfSnapshot,
  sameFact,
  sameMetrics,
  type CustomerMetrics,
  type OrderFact,
  type OrderSnapshot,
} from './customer-metrics';

/**
 * The customer side of order events: the order facts, the metrics computed from them and the
 * segment memberships that depend on both, changed together in the caller's transaction.
 */

/**
 * The uuid[] of a JSON parameter, for `= any(...)`: an index probe per id. `in (select ...)` of the
 * same list is planned as a hash join over a scan of the whole table, since the planner takes the
 * list for 100 rows (measured: a seq scan of the order facts every few orders).
 */
const UUIDS = 'array(select jsonb_array_elements_text(?::jsonb)::uuid)';

const FACT_COLUMNS = `f.order_id, f.site, f.currency, f.total_minor, f.paid_minor, f.cancelled, f.ordered_at,
  f.offer_external_ids, f.product_categories`;

/**
 * Applies an order's snapshot to its fact unless the fact already has this version or a newer one
 * (a redelivered or overtaken event). Answers the customers to refresh (refreshCustomers): the one
 * the order names now and the one it named before, none when nothing that counts changed.
 */
export async function applyOrderSnapshot(
  em: EntityManager,
  s: OrderSnapshot,
  now: Date,
): Promise<(string | null | undefined)[]> {
  const previous = await lockFact(em, s.orderId);
  const rows = await em.execute<{ customer_id: string | null }[]>(
    `insert into customer_order_facts as f (order_id, customer_id, site, order_version, currency,
       total_minor, paid_minor, status_group, cancelled, ordered_at, offer_external_ids, product_categories,
       updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${TEXT_ARRAY}, ${TEXT_ARRAY}, ?)
     on conflict (order_id) do update set
       customer_id = coalesce(excluded.customer_id, f.customer_id),
       site = excluded.site,
       order_version = excluded.order_version,
       currency = excluded.currency,
       total_minor = excluded.total_minor,
       paid_minor = excluded.paid_minor,
       status_group = excluded.status_group,
       cancelled = excluded.cancelled,
       ordered_at = excluded.ordered_at,
       offer_external_ids = case when ? then excluded.offer_external_ids else f.offer_external_ids end,
       product_categories = case when ? then excluded.product_categories else f.product_categories end,
       updated_at = excluded.updated_at
     where f.order_version < excluded.order_version
     returning f.customer_id`,
    [
      s.orderId,
      s.customerId ?? null,
      s.site,
      s.version,
      s.currency,
      s.totalMinor,
      s.paidMinor,
      s.statusGroup,
      s.cancelled,
      s.orderedAt,
      JSON.stringify(s.offerExternalIds ?? []),
      JSON.stringify(s.productCategories ?? []),
      now,
      s.offerExternalIds !== undefined,
      s.productCategories !== undefined,
    ],
  );
  if (rows.length === 0) return [];
  const customerId = rows[0].customer_id;
  if (previous && Number(previous.order_version) > 0 && previous.customer_id === customerId) {
    const before = factOf(previous);
    if (sameFact(before, factOfSnapshot(s, before))) return [];
  }
  return [customerId, previous?.customer_id];
}

/** The order's fact as it is, its row locked until the transaction ends (none: no fact yet). */
async function lockFact(
  em: EntityManager,
  orderId: string,
): Promise<(FactRow & { customer_id: string | null; order_version: string | number }) | undefined> {
  const [row] = await em.execute<
    (FactRow & { customer_id: string | null; order_version: string | number })[]
  >(
    `select customer_id, order_version, ${FACT_COLUMNS} from customer_order_facts f where order_id = ? for update`,
    [orderId],
  );
  return row;
}

/**
 * customer.order-linked: the order belongs to `customerId` from now on, until a later link or an
 * order event naming a customer says otherwise. A link that arrives before the order's events
 * leaves a placeholder (version 0) that counts once they arrive. Answers the customers to refresh.
 */
export async function linkOrder(
  em: EntityManager,
  link: { orderId: string; customerId: string; site: string },
  now: Date,
): Promise<(string | null | undefined)[]> {
  const previous = (await lockFact(em, link.orderId))?.customer_id;
  const rows = await em.execute<{ customer_id: string | null }[]>(
    `insert into customer_order_facts as f (order_id, customer_id, site, order_version, currency,
       total_minor, paid_minor, status_group, cancelled, ordered_at, offer_external_ids, updated_at)
     values (?, ?, ?, 0, null, 0, 0, null, false, null, '{}', ?)
     on conflict (order_id) do update set customer_id = excluded.customer_id, updated_at = excluded.updated_at
     where f.customer_id is distinct from excluded.customer_id
     returning f.customer_id`,
    [link.orderId, link.customerId, link.site, now],
  );
  if (rows.length === 0) return [];
  return [rows[0].customer_id, previous];
}

/**
 * Recomputes the metrics of each customer's survivor (the profile it was merged into, through any
 * chain of merges; itself if none), once each, in the order of the ids given, sorted, so that
 * concurrent transactions lock customers in the same order.
 */
export async function refreshCustomers(
  em: EntityManager,
  customerIds: readonly (string | null | undefined)[],
  now: Date,
): Promise<void> {
  const ids = [...new Set(customerIds.filter((c): c is string => !!c))];
  if (ids.length === 0) return;
  const rows = new Map<string, CustomerRow>();
  for (const locked of await lockCustomers(em, ids)) {
    let row: CustomerRow | undefined = locked;
    for (let hops = 0; row?.merged_into && hops < 100; hops++) row = await lockCustomer(em, row.merged_into);
    if (row && !rows.has(row.id)) rows.set(row.id, row);
  }
  await recomputeLocked(em, [...rows.values()], now);
}

/** The customers' rows in one statement, locked in id order (see lockCustomer). */
function lockCustomers(em: EntityManager, ids: readonly string[]): Promise<CustomerRow[]> {
  return em.execute<CustomerRow[]>(
    `${CUSTOMER_SELECT} where c.id = any(${UUIDS}) order by c.id for no key update`,
    [JSON.stringify(ids)],
  );
}

/**
 * The survivors of merges just written (live profiles, their rows locked by the merge): their
 * metrics and segments recomputed together, in a few statements however many they are.
 */
export async function refreshSurvivors(em: EntityManager, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await recomputeLocked(em, await lockCustomers(em, ids), now);
}

interface CustomerRow {
  id: string;
  site: string;
  tags: string[];
  vip: boolean;
  consent: SegmentSubject['consent'];
  merged_into: string | null;
  orders_count: number;
  cancellations: number;
  metrics_currency: string | null;
  total_spent_minor: string | number;
  average_check_minor: string | number;
  paid_total_minor: string | number;
  first_order_at: Date | string | null;
  last_order_at: Date | string | null;
  /** Some profile was merged into this one. */
  has_merged: boolean;
}

interface FactRow {
  order_id: string;
  site: string;
  currency: string;
  total_minor: string | number;
  paid_minor: string | number;
  cancelled: boolean;
  ordered_at: Date | string;
  offer_external_ids: string[];
  product_categories: string[];
}

const date = (v: Date | string | null) => (v === null ? undefined : new Date(v));

function metricsOf(row: CustomerRow): CustomerMetrics {
  return {
    ordersCount: row.orders_count,
    cancellations: row.cancellations,
    ...(row.metrics_currency ? { currency: row.metrics_currency } : {}),
    totalSpentMinor: Number(row.total_spent_minor),
    averageCheckMinor: Number(row.average_check_minor),
    paidTotalMinor: Number(row.paid_total_minor),
    ...(row.first_order_at ? { firstOrderAt: date(row.first_order_at) } : {}),
    ...(row.last_order_at ? { lastOrderAt: date(row.last_order_at) } : {}),
  };
}

function factOf(row: FactRow): OrderFact {
  return {
    orderId: row.order_id,
    site: row.site,
    currency: row.currency,
    totalMinor: Number(row.total_minor),
    paidMinor: Number(row.paid_minor),
    cancelled: row.cancelled,
    orderedAt: new Date(row.ordered_at),
    offerExternalIds: row.offer_external_ids,
    productCategories: row.product_categories,
  };
}

/**
 * Recomputes one customer's metrics from its orders and those of the profiles merged into it, and
 * re-evaluates its segments, in the caller's transaction; the profiles merged into it leave every
 * segment. For the merge code: after a merge, call it for the survivor; after an undo, for every
 * profile involved. Returns the metrics, or undefined for an unknown customer.
 */
export async function recomputeMetrics(
  em: EntityManager,
  customerId: string,
  now: Date = new Date(),
): Promise<CustomerMetrics | undefined> {
  const row = await lockCustomer(em, customerId);
  return row && (await recomputeLocked(em, [row], now)).get(row.id);
}

const CUSTOMER_SELECT = `select c.id, c.site, c.tags, c.vip, c.consent, c.merged_into, c.orders_count,
  c.cancellations, c.metrics_currency, c.total_spent_minor, c.average_check_minor, c.paid_total_minor,
  c.first_order_at, c.last_order_at, exists (select 1 from customers m where m.merged_into = c.id) as has_merged
  from customers c`;

/** The customer's row, locked: orders this against every other evaluation of it (events, the worker). */
async function lockCustomer(em: EntityManager, id: string): Promise<CustomerRow | undefined> {
  const [row] = await em.execute<CustomerRow[]>(`${CUSTOMER_SELECT} where c.id = ? for no key update`, [id]);
  return row;
}

/**
 * The customers' orders and, for those profiles were merged into, theirs (transitively), with the
 * ids of those profiles: a round trip for each kind, and no recursion for the many who have none.
 */
async function familyFacts(
  em: EntityManager,
  rows: readonly CustomerRow[],
): Promise<Map<string, { facts: OrderFact[]; merged: string[] }>> {
  const out = new Map(rows.map((r) => [r.id, { facts: [] as OrderFact[], merged: [] as string[] }]));
  const alone = rows.filter((r) => !r.has_merged).map((r) => r.id);
  if (alone.length > 0) {
    const own = await em.execute<(FactRow & { customer_id: string })[]>(
      `select f.customer_id, ${FACT_COLUMNS} from customer_order_facts f
       where f.customer_id = any(${UUIDS}) and f.order_version > 0`,
      [JSON.stringify(alone)],
    );
    for (const f of own) out.get(f.customer_id)!.facts.push(factOf(f));
  }
  const families = rows.filter((r) => r.has_merged).map((r) => r.id);
  if (families.length > 0) {
    const found = await em.execute<(Partial<FactRow> & { root: string; member: string })[]>(
      `with recursive family(root, id) as (
         select v, v from unnest(${UUIDS}) as r(v)
         union select family.root, m.id from customers m join family on m.merged_into = family.id
       )
       select family.root, family.id as member, ${FACT_COLUMNS}
       from family left join customer_order_facts f on f.customer_id = family.id and f.order_version > 0`,
      [JSON.stringify(families)],
    );
    for (const r of found) {
      const family = out.get(r.root)!;
      if (r.order_id != null) family.facts.push(factOf(r as FactRow));
      if (r.member !== r.root && !family.merged.includes(r.member)) family.merged.push(r.member);
    }
  }
  return out;
}

/**
 * Recomputes customers' metrics from their orders and those of the profiles merged into them, and
 * re-evaluates their segments, in the caller's transaction, whose locks hold their rows; the
 * profiles merged into them leave every segment. A few statements for any number of customers.
 * Returns the metrics by customer.
 */
async function recomputeLocked(
  em: EntityManager,
  rows: readonly CustomerRow[],
  now: Date,
): Promise<Map<string, CustomerMetrics>> {
  const out = new Map<string, CustomerMetrics>();
  if (rows.length === 0) return out;
  const families = await familyFacts(em, rows);
  const segments = await em.execute<SegmentDefinitionRow[]>(
    `select s.id, s.code, s.version, s.filter, s.site,
       coalesce(array_agg(m.customer_id) filter (where m.customer_id is not null), '{}') as members
     from segments s left join segment_members m on m.segment_id = s.id and m.customer_id = any(${UUIDS})
     where s.site is null or s.site in (select jsonb_array_elements_text(?::jsonb))
     group by s.id`,
    [JSON.stringify(rows.map((r) => r.id)), JSON.stringify([...new Set(rows.map((r) => r.site))])],
  );
  const changed: { id: string; metrics: CustomerMetrics }[] = [];
  const changes: MembershipChange[] = [];
  const merged: string[] = [];
  for (const row of rows) {
    const { facts, merged: family } = families.get(row.id)!;
    const metrics = computeMetrics(facts, row.site);
    out.set(row.id, metrics);
    if (!sameMetrics(metrics, metricsOf(row))) changed.push({ id: row.id, metrics });
    const subject = {
      id: row.id,
      site: row.site,
      tags: row.tags,
      vip: row.vip,
      consent: row.consent ?? {},
      ...(row.merged_into ? { mergedInto: row.merged_into } : {}),
      metrics,
    };
    const own = segments.filter((s) => s.site === null || s.site === row.site);
    changes.push(
      ...diffMembership(
        subject,
        own.map((s) => ({ id: s.id, code: s.code, version: Number(s.version) })),
        (segment) => matchesSegment(subject, facts, own.find((s) => s.id === segment.id)!.filter, now),
        new Set(own.filter((s) => s.members.includes(row.id)).map((s) => s.id)),
      ),
    );
    merged.push(...family);
  }
  if (changed.length > 0) {
    await em.execute(
      `update customers c set orders_count = v.orders_count, cancellations = v.cancellations,
         metrics_currency = v.metrics_currency, total_spent_minor = v.total_spent_minor,
         average_check_minor = v.average_check_minor, paid_total_minor = v.paid_total_minor,
         first_order_at = v.first_order_at, last_order_at = v.last_order_at
       from jsonb_to_recordset(?::jsonb) as v(id uuid, orders_count int, cancellations int, metrics_currency text,
         total_spent_minor bigint, average_check_minor bigint, paid_total_minor bigint,
         first_order_at timestamptz, last_order_at timestamptz)
       where c.id = v.id`,
      [
        JSON.stringify(
          changed.map(({ id, metrics: m }) => ({
            id,
            orders_count: m.ordersCount,
            cancellations: m.cancellations,
            metrics_currency: m.currency ?? null,
            total_spent_minor: m.totalSpentMinor,
            average_check_minor: m.averageCheckMinor,
            paid_total_minor: m.paidTotalMinor,
            first_order_at: m.firstOrderAt ?? null,
            last_order_at: m.lastOrderAt ?? null,
          })),
        ),
      ],
    );
  }
  const applied = await applyMembershipChanges(em, changes, now);
  if (merged.length > 0) applied.push(...(await leaveAllSegments(em, merged, now)));
  if (applied.length > 0) await recordEvents(em, membershipEvents(applied, 'customer-changed', now));
  return out;
}

interface SegmentDefinitionRow {
  id: string;
  code: string;
  version: string | number;
  filter: SegmentFilter;
  site: string | null;
  members: string[];
}

/** Profiles merged away belong to no segment. */
async function leaveAllSegments(em: EntityManager, customerIds: string[], now: Date) {
  const rows = await em.execute<
    { segment_id: string; customer_id: string; site: string; code: string; version: string | number }[]
  >(
    `select m.segment_id, m.customer_id, m.site, s.code, s.version from segment_members m
     join segments s on s.id = m.segment_id where m.customer_id = any(${UUIDS})`,
    [JSON.stringify(customerIds)],
  );
  return applyMembershipChanges(
    em,
    rows.map((r) => ({
      segment: { id: r.segment_id, code: r.code, version: Number(r.version) },
      customerId: r.customer_id,
      site: r.site,
      entered: false,
    })),
    now,
  );
}
