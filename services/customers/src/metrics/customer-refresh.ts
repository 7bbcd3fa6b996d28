import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvents } from '@openretail/messaging';
import { applyMembershipChanges, evaluateCustomerSegments, membershipEvents } from '../segments/membership';
import type { SegmentSubject } from '../segments/segment-match';
import { TEXT_ARRAY } from '../segments/segment-sql';
import {
  computeMetrics,
  sameMetrics,
  type CustomerMetrics,
  type OrderFact,
  type OrderSnapshot,
} from './customer-metrics';

/**
 * The customer side of order events: the order facts, the metrics computed from them and the
 * segment memberships that depend on both, changed together in the caller's transaction.
 */

const UUID_LIST = '(select jsonb_array_elements_text(?::jsonb)::uuid)';

/**
 * Applies an order's snapshot to its fact unless the fact already has this version or a newer one
 * (a redelivered or overtaken event), then refreshes the customers concerned: the one the order
 * names now and the one it named before, when that changed.
 */
export async function applyOrderSnapshot(em: EntityManager, s: OrderSnapshot, now: Date): Promise<void> {
  const previous = await previousCustomer(em, s.orderId);
  const rows = await em.execute<{ customer_id: string | null }[]>(
    `insert into customer_order_facts as f (order_id, customer_id, site, order_version, currency,
       total_minor, paid_minor, status_group, cancelled, ordered_at, offer_external_ids, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${TEXT_ARRAY}, ?)
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
      now,
      s.offerExternalIds !== undefined,
    ],
  );
  if (rows.length === 0) return;
  await refreshCustomers(em, [rows[0].customer_id, previous], now);
}

/** The customer the order's fact names now, its row locked until the transaction ends (none: no fact yet). */
async function previousCustomer(em: EntityManager, orderId: string): Promise<string | null> {
  const [row] = await em.execute<{ customer_id: string | null }[]>(
    'select customer_id from customer_order_facts where order_id = ? for update',
    [orderId],
  );
  return row?.customer_id ?? null;
}

/**
 * customer.order-linked: the order belongs to `customerId` from now on, until a later link or an
 * order event naming a customer says otherwise. A link that arrives before the order's events
 * leaves a placeholder (version 0) that counts once they arrive.
 */
export async function linkOrder(
  em: EntityManager,
  link: { orderId: string; customerId: string; site: string },
  now: Date,
): Promise<void> {
  const previous = await previousCustomer(em, link.orderId);
  const rows = await em.execute<{ customer_id: string | null }[]>(
    `insert into customer_order_facts as f (order_id, customer_id, site, order_version, currency,
       total_minor, paid_minor, status_group, cancelled, ordered_at, offer_external_ids, updated_at)
     values (?, ?, ?, 0, null, 0, 0, null, false, null, '{}', ?)
     on conflict (order_id) do update set customer_id = excluded.customer_id, updated_at = excluded.updated_at
     where f.customer_id is distinct from excluded.customer_id
     returning f.customer_id`,
    [link.orderId, link.customerId, link.site, now],
  );
  if (rows.length === 0) return;
  await refreshCustomers(em, [rows[0].customer_id, previous], now);
}

/**
 * Recomputes the metrics of each customer's survivor (the profile it was merged into, through
 * any chain of merges; itself if none), in id order so that concurrent transactions lock
 * customers in the same order.
 */
export async function refreshCustomers(
  em: EntityManager,
  customerIds: readonly (string | null | undefined)[],
  now: Date,
): Promise<void> {
  const ids = [...new Set(customerIds.filter((id): id is string => !!id))];
  if (ids.length === 0) return;
  const roots = await em.execute<{ id: string }[]>(
    `with recursive up(start, id, depth) as (
       select c.id, c.id, 0 from customers c where c.id in ${UUID_LIST}
       union all
       select up.start, c.merged_into, up.depth + 1 from up join customers c on c.id = up.id
       where c.merged_into is not null and up.depth < 100
     )
     select distinct id from (select distinct on (start) id from up order by start, depth desc) r order by id`,
    [JSON.stringify(ids)],
  );
  for (const { id } of roots) await recomputeMetrics(em, id, now);
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
  // The row lock orders this against every other evaluation of the customer (events, the worker).
  const [row] = await em.execute<CustomerRow[]>(
    `select id, site, tags, vip, consent, merged_into, orders_count, cancellations, metrics_currency,
       total_spent_minor, average_check_minor, paid_total_minor, first_order_at, last_order_at
     from customers where id = ? for no key update`,
    [customerId],
  );
  if (!row) return undefined;
  const family = await em.execute<{ id: string }[]>(
    `with recursive family(id) as (
       select ?::uuid union select m.id from customers m join family on m.merged_into = family.id
     ) select id from family`,
    [customerId],
  );
  const facts = (
    await em.execute<FactRow[]>(
      `select order_id, site, currency, total_minor, paid_minor, cancelled, ordered_at, offer_external_ids
       from customer_order_facts where customer_id in ${UUID_LIST} and order_version > 0`,
      [JSON.stringify(family.map((f) => f.id))],
    )
  ).map(factOf);

  const metrics = computeMetrics(facts, row.site);
  if (!sameMetrics(metrics, metricsOf(row))) {
    await em.execute(
      `update customers set orders_count = ?, cancellations = ?, metrics_currency = ?, total_spent_minor = ?,
         average_check_minor = ?, paid_total_minor = ?, first_order_at = ?, last_order_at = ?
       where id = ?`,
      [
        metrics.ordersCount,
        metrics.cancellations,
        metrics.currency ?? null,
        metrics.totalSpentMinor,
        metrics.averageCheckMinor,
        metrics.paidTotalMinor,
        metrics.firstOrderAt ?? null,
        metrics.lastOrderAt ?? null,
        customerId,
      ],
    );
  }

  const subject = {
    id: row.id,
    site: row.site,
    tags: row.tags,
    vip: row.vip,
    consent: row.consent ?? {},
    ...(row.merged_into ? { mergedInto: row.merged_into } : {}),
    metrics,
  };
  const changes = await evaluateCustomerSegments(em, subject, facts, now);
  const merged = family.filter((f) => f.id !== customerId).map((f) => f.id);
  if (merged.length > 0) changes.push(...(await leaveAllSegments(em, merged, now)));
  if (changes.length > 0) await recordEvents(em, membershipEvents(changes, 'customer-changed', now));
  return metrics;
}

/** Profiles merged away belong to no segment. */
async function leaveAllSegments(em: EntityManager, customerIds: string[], now: Date) {
  const rows = await em.execute<
    { segment_id: string; customer_id: string; site: string; code: string; version: string | number }[]
  >(
    `select m.segment_id, m.customer_id, m.site, s.code, s.version from segment_members m
     join segments s on s.id = m.segment_id where m.customer_id in ${UUID_LIST}`,
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
