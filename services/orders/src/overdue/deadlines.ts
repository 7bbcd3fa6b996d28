import type { OrderState } from '../orders/order-state';
import type { ReferenceData } from '../reference-data/reference-data';
import { staleSince, statusDeadline } from './overdue';

/**
 * Deadlines to detect once per order and deadline, however many replicas run.
 *
 * How the service uses them (a deadlines table keyed by `key`, written only by the orders service):
 * 1. Whenever an order is written (created, status changed), in the same transaction: delete the order's
 *    unfired deadlines whose key is not in planDeadlines(ref, order), and insert the planned ones with
 *    `ON CONFLICT (key) DO NOTHING`. A status change gives new keys, so it resets the deadlines; writing
 *    the same state again plans the same keys and changes nothing. When the reference data changes
 *    (a time limit, a stale age), open orders are replanned the same way, updating `due_at` of unfired rows.
 * 2. A worker on every replica, every few seconds, in one transaction:
 *    `SELECT ... FROM order_deadlines WHERE fired_at IS NULL AND due_at <= now() ORDER BY due_at
 *    LIMIT 100 FOR UPDATE SKIP LOCKED`. Replicas skip each other's locked rows, so each row is handled
 *    by one of them. For each row it loads the order and asks isDeadlineDue: if still due, it records
 *    `order.status-overdue` or `order.stale` in the outbox; either way it sets `fired_at`, then commits.
 *    The event and `fired_at` commit together, so a crash before the commit only means another try, and
 *    a fired key is never planned as new again: one event per deadline.
 */

export type DeadlineKind = 'status-overdue' | 'stale';

export interface DeadlineRecord {
  /** The deadline's identity, from (orderId, kind, status, statusUpdatedAt): the table's unique key. */
  key: string;
  orderId: string;
  kind: DeadlineKind;
  /** The status the order was in when the deadline was planned. */
  status: string;
  statusUpdatedAt: Date;
  dueAt: Date;
}

/**
 * The deadlines of the order in its current status: its time limit and its stale age, when they apply.
 * An order that is still open after a status change gets a new stale deadline too (due at once if it
 * is stale already): the event then says it is still stuck, in its new status.
 */
export function planDeadlines(ref: ReferenceData, order: OrderState): DeadlineRecord[] {
  const planned: [DeadlineKind, Date | undefined][] = [
    ['status-overdue', statusDeadline(ref, order)],
    ['stale', staleSince(ref, order)],
  ];
  return planned.flatMap(([kind, dueAt]) => {
    if (!dueAt) return [];
    const identity = {
      orderId: order.id,
      kind,
      status: order.status,
      statusUpdatedAt: order.statusUpdatedAt,
    };
    return [{ key: deadlineKey(identity), ...identity, dueAt }];
  });
}

/**
 * Whether a claimed deadline should fire now: the order is still in the status it was planned for
 * (same status entered at the same instant) and the deadline, recomputed from the current reference
 * data, has been reached. False when the order moved on meanwhile.
 */
export function isDeadlineDue(
  ref: ReferenceData,
  order: OrderState,
  deadline: Pick<DeadlineRecord, 'key'>,
  now: Date,
): boolean {
  return planDeadlines(ref, order).some((d) => d.key === deadline.key && d.dueAt.getTime() <= now.getTime());
}

/**
 * e.g. '0196…:status-overdue:new:2026-11-25T10:00:00.000Z'. Unambiguous: order ids (UUIDs), kinds and
 * status codes contain no ':', and the instant comes last.
 */
export function deadlineKey(
  d: Pick<DeadlineRecord, 'orderId' | 'kind' | 'status' | 'statusUpdatedAt'>,
): string {
  return `${d.orderId}:${d.kind}:${d.status}:${d.statusUpdatedAt.toISOString()}`;
}
