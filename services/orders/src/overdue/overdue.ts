import type { OrderState } from '../orders/order-state';
import type { ReferenceData } from '../reference-data/reference-data';

const MINUTE_MS = 60_000;
// Stale ages are counted in fixed 24-hour days: instants, not calendar dates, so no time zone applies.
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * "Nothing stuck": when an order has used up the time limit of its status, and when it has been open
 * (not complete or cancelled) for longer than its site's stale age. Pure functions of the order and
 * the reference data; the clock is always a parameter.
 */

/**
 * The instant the order's time in its status runs out: statusUpdatedAt + the status's time limit.
 * Undefined when the status has no limit, is final, or is unknown. A status change resets it,
 * because it counts from statusUpdatedAt.
 */
export function statusDeadline(ref: ReferenceData, order: OrderState): Date | undefined {
  const limit = ref.status(order.status)?.timeLimitMinutes;
  if (limit === undefined || ref.isFinal(order.status)) return undefined;
  return new Date(order.statusUpdatedAt.getTime() + limit * MINUTE_MS);
}

/** From the deadline on, the order is overdue: at that instant its time limit is used up. */
export function isOverdue(ref: ReferenceData, order: OrderState, now: Date): boolean {
  return reached(statusDeadline(ref, order), now);
}

/**
 * The instant an open order becomes stale: createdAt + its site's staleAfterDays. Undefined when the
 * status is final or the site unknown. An order in a status missing from the dictionary (a legacy
 * status) is open, so it does become stale: that is how forgotten orders surface.
 */
export function staleSince(ref: ReferenceData, order: OrderState): Date | undefined {
  const site = ref.site(order.site);
  if (!site || ref.isFinal(order.status)) return undefined;
  return new Date(order.createdAt.getTime() + site.staleAfterDays * DAY_MS);
}

export function isStale(ref: ReferenceData, order: OrderState, now: Date): boolean {
  return reached(staleSince(ref, order), now);
}

function reached(deadline: Date | undefined, now: Date): boolean {
  return deadline !== undefined && now.getTime() >= deadline.getTime();
}
