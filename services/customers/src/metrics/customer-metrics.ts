import type { OrderCreatedPayload, OrderSummary } from '@openretail/contracts';

/**
 * What the metrics and segments know of one order of a customer: the projection of its events.
 * Only orders with at least one event applied are facts; an order known only from a link waits.
 */
export interface OrderFact {
  orderId: string;
  site: string;
  currency: string;
  totalMinor: number;
  paidMinor: number;
  cancelled: boolean;
  orderedAt: Date;
  offerExternalIds: readonly string[];
  productCategories: readonly string[];
}

/** An order as one of its events describes it, after the change. */
export interface OrderSnapshot {
  orderId: string;
  site: string;
  /** The customer the order names, if it names one. */
  customerId?: string;
  /** The order's version: a snapshot older than the one applied is stale. */
  version: number;
  currency: string;
  totalMinor: number;
  paidMinor: number;
  statusGroup: string;
  cancelled: boolean;
  orderedAt: Date;
  /** Absent when the event does not say (published before events carried it): the known ones stay. */
  offerExternalIds?: string[];
  /** Likewise. */
  productCategories?: string[];
}

/**
 * Cancelled means in a status group of kind cancel. Events published before the summary carried
 * the kind are read by the group code, which is the kind for the standard groups.
 */
export function snapshotOfSummary(s: OrderSummary): OrderSnapshot {
  return {
    orderId: s.orderId,
    site: s.site,
    ...(s.customerId ? { customerId: s.customerId } : {}),
    version: s.version,
    currency: s.total.currency,
    totalMinor: s.total.amountMinor,
    paidMinor: s.paid.amountMinor,
    statusGroup: s.statusGroup,
    cancelled: (s.statusGroupKind ?? s.statusGroup) === 'cancel',
    orderedAt: new Date(s.createdAt),
    ...(s.offerExternalIds ? { offerExternalIds: s.offerExternalIds } : {}),
    ...(s.productCategories ? { productCategories: s.productCategories } : {}),
  };
}

/** order.created: its summary, or for an event published before it carried one, what the event says. */
export function snapshotOfCreated(p: OrderCreatedPayload): OrderSnapshot {
  if (p.order) return snapshotOfSummary(p.order);
  return {
    orderId: p.orderId,
    site: p.site,
    version: 1,
    currency: p.total.currency,
    totalMinor: p.total.amountMinor,
    paidMinor: 0,
    statusGroup: '',
    cancelled: false,
    orderedAt: new Date(p.createdAt),
    offerExternalIds: [...new Set(p.items.flatMap((i) => (i.offerExternalId ? [i.offerExternalId] : [])))],
  };
}

/** The fact a snapshot makes; offers and categories it does not name stay those of the known fact. */
export function factOfSnapshot(s: OrderSnapshot, known?: OrderFact): OrderFact {
  return {
    orderId: s.orderId,
    site: s.site,
    currency: s.currency,
    totalMinor: s.totalMinor,
    paidMinor: s.paidMinor,
    cancelled: s.cancelled,
    orderedAt: s.orderedAt,
    offerExternalIds: s.offerExternalIds ?? known?.offerExternalIds ?? [],
    productCategories: s.productCategories ?? known?.productCategories ?? [],
  };
}

/**
 * Whether two facts of an order count the same in metrics and segments. Most order events (a status
 * change inside the open groups, an edit of the address) change nothing that counts: the customer
 * need not be re-evaluated.
 */
export function sameFact(a: OrderFact, b: OrderFact): boolean {
  return (
    a.site === b.site &&
    a.currency === b.currency &&
    a.totalMinor === b.totalMinor &&
    a.paidMinor === b.paidMinor &&
    a.cancelled === b.cancelled &&
    a.orderedAt.getTime() === b.orderedAt.getTime() &&
    sameList(a.offerExternalIds, b.offerExternalIds) &&
    sameList(a.productCategories, b.productCategories)
  );
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export interface CustomerMetrics {
  ordersCount: number;
  cancellations: number;
  /** The currency of the money metrics; undefined without orders. */
  currency?: string;
  totalSpentMinor: number;
  averageCheckMinor: number;
  paidTotalMinor: number;
  firstOrderAt?: Date;
  lastOrderAt?: Date;
}

export const NO_METRICS: CustomerMetrics = {
  ordersCount: 0,
  cancellations: 0,
  totalSpentMinor: 0,
  averageCheckMinor: 0,
  paidTotalMinor: 0,
};

/**
 * A customer's metrics from its orders (see the customers README, "Metrics"):
 *
 * - a cancelled order counts only in `cancellations`; `ordersCount`, `totalSpent`, `averageCheck`,
 *   `firstOrderAt` and `lastOrderAt` are over the orders that were not cancelled;
 * - money is in one currency, the site's: the currency of the customer's newest order on its own
 *   site (the orders service takes every order of a site in the site's currency), or of its newest
 *   order when it has none there. Orders in another currency count in `ordersCount` and the dates
 *   but not in the money metrics, since amounts in two currencies cannot be added;
 * - `averageCheck` is `totalSpent` over the orders in that currency that count, rounded half up;
 * - `paidTotal` is what was paid on every order in that currency, cancelled ones included: money
 *   received stays received until a refund changes the payment.
 */
export function computeMetrics(facts: readonly OrderFact[], site: string): CustomerMetrics {
  if (facts.length === 0) return NO_METRICS;
  const currency = currencyOf(facts, site);
  const metrics: CustomerMetrics = { ...NO_METRICS, currency };
  let countedInCurrency = 0;
  for (const f of facts) {
    if (f.currency === currency) metrics.paidTotalMinor = add(metrics.paidTotalMinor, f.paidMinor);
    if (f.cancelled) {
      metrics.cancellations++;
      continue;
    }
    metrics.ordersCount++;
    if (!metrics.firstOrderAt || f.orderedAt < metrics.firstOrderAt) metrics.firstOrderAt = f.orderedAt;
    if (!metrics.lastOrderAt || f.orderedAt > metrics.lastOrderAt) metrics.lastOrderAt = f.orderedAt;
    if (f.currency === currency) {
      metrics.totalSpentMinor = add(metrics.totalSpentMinor, f.totalMinor);
      countedInCurrency++;
    }
  }
  metrics.averageCheckMinor = divideHalfUp(metrics.totalSpentMinor, countedInCurrency);
  return metrics;
}

function currencyOf(facts: readonly OrderFact[], site: string): string {
  const own = facts.filter((f) => f.site === site);
  const newest = (own.length > 0 ? own : facts).reduce((a, b) =>
    b.orderedAt > a.orderedAt || (+b.orderedAt === +a.orderedAt && b.orderId > a.orderId) ? b : a,
  );
  return newest.currency;
}

function add(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new RangeError(`metric sum ${sum} is outside the safe integer range`);
  return sum;
}

/** Integer division rounded half up, exact for every safe integer (no floating point). */
export function divideHalfUp(total: number, n: number): number {
  if (n === 0) return 0;
  const q = Math.floor(total / n);
  // Math.floor of a float quotient may be one off for large totals: correct it with the remainder.
  let quotient = q;
  let remainder = total - quotient * n;
  if (remainder < 0) {
    quotient--;
    remainder += n;
  } else if (remainder >= n) {
    quotient++;
    remainder -= n;
  }
  return 2 * remainder >= n ? quotient + 1 : quotient;
}

export function sameMetrics(a: CustomerMetrics, b: CustomerMetrics): boolean {
  return (
    a.ordersCount === b.ordersCount &&
    a.cancellations === b.cancellations &&
    a.currency === b.currency &&
    a.totalSpentMinor === b.totalSpentMinor &&
    a.averageCheckMinor === b.averageCheckMinor &&
    a.paidTotalMinor === b.paidTotalMinor &&
    a.firstOrderAt?.getTime() === b.firstOrderAt?.getTime() &&
    a.lastOrderAt?.getTime() === b.lastOrderAt?.getTime()
  );
}
