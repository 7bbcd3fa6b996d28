import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvents } from '@openretail/messaging';
import type { SegmentFilter } from '@openretail/contracts';
import { executeBound } from '@openretail/persistence';
import {
  applyMembershipChanges,
  diffMembership,
  membershipEvents,
  type MembershipChange,
} from '../segments/membership';
import { matchesSegment, type SegmentSubject } from '../segments/segment-match';
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

/** An order fact as stored (a link that came first leaves a placeholder: version 0, no order data). */
interface StoredFact extends Omit<FactRow, 'currency' | 'ordered_at'> {
  customer_id: string | null;
  order_version: number;
  currency: string | null;
  status_group: string | null;
  ordered_at: Date | string | null;
}

/**
 * The order facts of a run of events: read and locked together, changed in memory in the events'
 * order, written back in one statement. Each change answers the customers it concerns, to refresh
 * once for the run (refreshCustomers).
 */
export class OrderFacts {
  private readonly changed = new Set<string>();

  private constructor(private readonly facts: Map<string, StoredFact>) {}

  /** The facts of these orders as they are (none yet for some), locked until the transaction ends. */
  static async lock(em: EntityManager, orderIds: readonly string[]): Promise<OrderFacts> {
    const rows =
      orderIds.length === 0
        ? []
        : await executeBound<StoredFact[]>(
            em,
            `select customer_id, order_version, status_group, ${FACT_COLUMNS} from customer_order_facts f
             where order_id = any(${UUIDS}) order by order_id for update`,
            [JSON.stringify([...new Set(orderIds)])],
          );
    return new OrderFacts(
      new Map(rows.map((r) => [r.order_id, { ...r, order_version: Number(r.order_version) }])),
    );
  }

  /**
   * An order's snapshot, unless its fact already has this version or a newer one (a redelivered or
   * overtaken event). Concerns the customer the order names now and the one it named before, none
   * when nothing that counts changed.
   */
  applySnapshot(s: OrderSnapshot): (string | null)[] {
    const previous = this.facts.get(s.orderId);
    if (previous && previous.order_version >= s.version) return [];
    const customerId = s.customerId ?? previous?.customer_id ?? null;
    this.put({
      order_id: s.orderId,
      customer_id: customerId,
      site: s.site,
      order_version: s.version,
      currency: s.currency,
      total_minor: s.totalMinor,
      paid_minor: s.paidMinor,
      status_group: s.statusGroup,
      cancelled: s.cancelled,
      ordered_at: s.orderedAt,
      // An event that does not say (published before events carried them) keeps the known ones.
      offer_external_ids: s.offerExternalIds ?? previous?.offer_external_ids ?? [],
      product_categories: s.productCategories ?? previous?.product_categories ?? [],
    });
    if (previous && previous.order_version > 0 && previous.customer_id === customerId) {
      const before = factOf(previous as FactRow);
      if (sameFact(before, factOfSnapshot(s, before))) return [];
    }
    return [customerId, previous?.customer_id ?? null];
  }

  /**
   * customer.order-linked: the order belongs to `customerId` from now on, until a later link or an
   * order event naming a customer says otherwise. A link that arrives before the order's events
   * leaves a placeholder (version 0) that counts once they arrive.
   */
  link(link: { orderId: string; customerId: string; site: string }): (string | null)[] {
    const previous = this.facts.get(link.orderId);
    if (previous?.customer_id === link.customerId) return [];
    this.put(
      previous
        ? { ...previous, customer_id: link.customerId }
        : {
            order_id: link.orderId,
            customer_id: link.customerId,
            site: link.site,
            order_version: 0,
            currency: null,
            total_minor: 0,
            paid_minor: 0,
            status_group: null,
            cancelled: false,
            ordered_at: null,
            offer_external_ids: [],
            product_categories: [],
          },
    );
    return [link.customerId, previous?.customer_id ?? null];
  }

  /** Writes the facts that changed, in one statement. */
  async write(em: EntityManager, now: Date): Promise<void> {
    if (this.changed.size === 0) return;
    const rows = [...this.changed].map((id) => this.facts.get(id)!);
    await executeBound(
      em,
      `insert into customer_order_facts as f (order_id, customer_id, site, order_version, currency,
         total_minor, paid_minor, status_group, cancelled, ordered_at, offer_external_ids, product_categories,
         updated_at)
       select r.order_id, r.customer_id, r.site, r.order_version, r.currency, r.total_minor, r.paid_minor,
         r.status_group, r.cancelled, r.ordered_at, array(select jsonb_array_elements_text(r.offer_external_ids)),
         array(select jsonb_array_elements_text(r.product_categories)), ?::timestamptz
       from jsonb_to_recordset(?::jsonb) as r(order_id uuid, customer_id uuid, site text, order_version bigint,
         currency text, total_minor bigint, paid_minor bigint, status_group text, cancelled boolean,
         ordered_at timestamptz, offer_external_ids jsonb, product_categories jsonb)
       on conflict (order_id) do update set
         customer_id = excluded.customer_id, site = excluded.site, order_version = excluded.order_version,
         currency = excluded.currency, total_minor = excluded.total_minor, paid_minor = excluded.paid_minor,
         status_group = excluded.status_group, cancelled = excluded.cancelled, ordered_at = excluded.ordered_at,
         offer_external_ids = excluded.offer_external_ids, product_categories = excluded.product_categories,
         updated_at = excluded.updated_at`,
      [now.toISOString(), JSON.stringify(rows)],
    );
    this.changed.clear();
  }

  private put(fact: StoredFact): void {
    this.facts.set(fact.order_id, fact);
    this.changed.add(fact.order_id);
  }
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
