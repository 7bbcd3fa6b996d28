import type { ConsentChannel, SegmentFilter } from '@openretail/contracts';
import type { CustomerMetrics, OrderFact } from '../metrics/customer-metrics';

/** What segment filters look at of a customer: the profile and its metrics. */
export interface SegmentSubject {
  site: string;
  tags: readonly string[];
  vip: boolean;
  consent: Partial<Record<ConsentChannel, { status: string }>>;
  /** Set for a profile merged into another: it belongs to no segment. */
  mergedInto?: string;
  metrics: CustomerMetrics;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The window the last order must fall in, as [atLeast, before): the days `from` and `to` are whole
 * UTC days, `withinDays` N is at most N × 24 h before `now` and `notWithinDays` M more than M × 24 h
 * before. The SQL form of the filter uses the same bounds, so both agree to the millisecond.
 */
export function lastOrderBounds(
  lastOrder: NonNullable<SegmentFilter['lastOrder']>,
  now: Date,
): { atLeast?: Date; before?: Date } {
  const atLeast = [
    lastOrder.from ? new Date(`${lastOrder.from}T00:00:00Z`) : undefined,
    lastOrder.withinDays !== undefined ? new Date(now.getTime() - lastOrder.withinDays * DAY_MS) : undefined,
  ].filter((d): d is Date => d !== undefined);
  const before = [
    lastOrder.to ? new Date(new Date(`${lastOrder.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
    lastOrder.notWithinDays !== undefined
      ? new Date(now.getTime() - lastOrder.notWithinDays * DAY_MS)
      : undefined,
  ].filter((d): d is Date => d !== undefined);
  return {
    ...(atLeast.length ? { atLeast: new Date(Math.max(...atLeast.map(Number))) } : {}),
    ...(before.length ? { before: new Date(Math.min(...before.map(Number))) } : {}),
  };
}

function inRange(value: number, range: { min?: number; max?: number }): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/**
 * Whether a customer belongs to a segment with this filter at `now`: every condition given holds.
 * `facts` are the customer's orders (those of profiles merged into it included), for "bought".
 * Pure: the customers service evaluates it when a customer changes; the SQL form (segment-sql.ts)
 * does the same over the whole base, and a test holds the two to the same answers.
 */
export function matchesSegment(
  customer: SegmentSubject,
  facts: readonly OrderFact[],
  filter: SegmentFilter,
  now: Date,
): boolean {
  if (customer.mergedInto) return false;
  const { tags, consent } = filter;
  const m = customer.metrics;
  if (tags) {
    const has = new Set(customer.tags);
    if (tags.any && !tags.any.some((t) => has.has(t))) return false;
    if (tags.all && !tags.all.every((t) => has.has(t))) return false;
    if (tags.none && tags.none.some((t) => has.has(t))) return false;
  }
  if (filter.vip !== undefined && customer.vip !== filter.vip) return false;
  if (consent) {
    for (const [channel, wanted] of Object.entries(consent)) {
      const granted = customer.consent[channel as ConsentChannel]?.status === 'granted';
      if (granted !== (wanted === 'granted')) return false;
    }
  }
  if (filter.ordersCount && !inRange(m.ordersCount, filter.ordersCount)) return false;
  if (filter.totalSpent) {
    if (m.currency !== filter.totalSpent.currency || !inRange(m.totalSpentMinor, filter.totalSpent))
      return false;
  }
  if (filter.averageCheck) {
    if (m.currency !== filter.averageCheck.currency || !inRange(m.averageCheckMinor, filter.averageCheck))
      return false;
  }
  if (filter.lastOrder) {
    if (!m.lastOrderAt) return false;
    const { atLeast, before } = lastOrderBounds(filter.lastOrder, now);
    if (atLeast && m.lastOrderAt < atLeast) return false;
    if (before && m.lastOrderAt >= before) return false;
  }
  if (filter.boughtProducts && !bought(facts, filter.boughtProducts, (f) => f.offerExternalIds)) return false;
  if (filter.boughtCategories && !bought(facts, filter.boughtCategories, (f) => f.productCategories))
    return false;
  return true;
}

/** Some order that was not cancelled has any of the wanted values (its offers or its categories). */
function bought(
  facts: readonly OrderFact[],
  wanted: readonly string[],
  valuesOf: (f: OrderFact) => readonly string[],
): boolean {
  const set = new Set(wanted);
  return facts.some((f) => !f.cancelled && valuesOf(f).some((v) => set.has(v)));
}
