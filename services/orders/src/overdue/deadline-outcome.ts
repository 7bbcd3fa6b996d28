import { OrderStaleV1, OrderStatusOverdueV1, type EventDefinition } from '@openretail/contracts';
import { EVENT_SOURCE, orderSummary, type OutgoingEvent } from '../orders/order-events';
import type { OrderState } from '../orders/order-state';
import { viewOf } from '../orders/orders.service';
import type { ReferenceData } from '../reference-data/reference-data';
import { isDeadlineDue, planDeadlines, type DeadlineRecord } from './deadlines';

/**
 * What the worker does with a deadline it claimed:
 * - fire: the order is still in the status the deadline was planned for and the deadline has passed:
 *   record the event and mark the row fired;
 * - postpone: still planned, but the current reference data puts it later (a longer time limit or
 *   stale age that reached this order before its row was replanned): move the row's due time;
 * - drop: no longer planned (the order moved on, or the limit was removed): delete the row, so the
 *   key can be planned again if the limit comes back.
 */
export type DeadlineOutcome =
  | { action: 'fire'; kind: DeadlineRecord['kind']; event: OutgoingEvent }
  | { action: 'postpone'; dueAt: Date }
  | { action: 'drop' };

/** The order a claimed deadline belongs to, as stored: its state and version. */
export interface StoredOrder {
  order: OrderState;
  version: number;
}

export function deadlineOutcome(
  ref: ReferenceData,
  stored: StoredOrder | undefined,
  key: string,
  now: Date,
): DeadlineOutcome {
  const planned = stored && planDeadlines(ref, stored.order).find((d) => d.key === key);
  if (!planned) return { action: 'drop' };
  if (!isDeadlineDue(ref, stored.order, planned, now)) return { action: 'postpone', dueAt: planned.dueAt };
  return { action: 'fire', kind: planned.kind, event: deadlineEvent(ref, stored, planned, now) };
}

/** order.status-overdue or order.stale for a deadline that has passed, with the order as it is now. */
function deadlineEvent(
  ref: ReferenceData,
  { order, version }: StoredOrder,
  deadline: DeadlineRecord,
  now: Date,
): OutgoingEvent {
  const view = viewOf(ref, order, version);
  const summary = orderSummary(ref, order, view.totals, version);
  const emit = <P>(definition: EventDefinition<P>, payload: P): OutgoingEvent => ({
    definition: definition as EventDefinition<unknown>,
    envelope: definition.create(payload, { source: EVENT_SOURCE, aggregateId: order.id, occurredAt: now }),
  });
  if (deadline.kind === 'status-overdue') {
    return emit(OrderStatusOverdueV1, {
      order: summary,
      status: order.status,
      statusSince: order.statusUpdatedAt.toISOString(),
      deadline: deadline.dueAt.toISOString(),
      // Planned means the status has a limit (see statusDeadline).
      timeLimitMinutes: ref.status(order.status)!.timeLimitMinutes!,
    });
  }
  return emit(OrderStaleV1, {
    order: summary,
    staleSince: deadline.dueAt.toISOString(),
    // Planned means the site is known (see staleSince).
    staleAfterDays: ref.site(order.site)!.staleAfterDays,
  });
}
