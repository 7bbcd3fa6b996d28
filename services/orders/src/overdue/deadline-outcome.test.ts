import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderState } from '../orders/order-state';
import { demoWith, minutesAfter, order, pult, T0 } from '../reference-data/fixtures';
import { deadlineOutcome } from './deadline-outcome';
import { statusEntryChanged } from './deadline-scheduler';
import { planDeadlines } from './deadlines';

const DAY = 24 * 60;
const keyOf = (o: OrderState, kind: 'status-overdue' | 'stale') =>
  planDeadlines(pult, o).find((d) => d.kind === kind)!.key;

test('a deadline is postponed until its instant, then fires order.status-overdue with the order as it is', () => {
  const o = order();
  const key = keyOf(o, 'status-overdue');
  const stored = { order: o, version: 3 };

  assert.deepEqual(deadlineOutcome(pult, stored, key, new Date(minutesAfter(T0, 15).getTime() - 1)), {
    action: 'postpone',
    dueAt: minutesAfter(T0, 15),
  });

  const now = minutesAfter(T0, 15);
  const outcome = deadlineOutcome(pult, stored, key, now);
  assert.ok(outcome.action === 'fire');
  assert.equal(outcome.kind, 'status-overdue');
  const { envelope } = outcome.event;
  assert.equal(envelope.type, 'order.status-overdue');
  assert.equal(envelope.aggregateId, o.id);
  assert.equal(envelope.occurredAt, now.toISOString());
  const { order: summary, ...rest } = envelope.payload as { order: Record<string, unknown> };
  assert.deepEqual(rest, {
    status: 'new',
    statusSince: T0.toISOString(),
    deadline: minutesAfter(T0, 15).toISOString(),
    timeLimitMinutes: 15,
  });
  assert.equal(summary.orderId, o.id);
  assert.equal(summary.status, 'new');
  assert.equal(summary.statusGroup, 'new');
  assert.equal(summary.version, 3);
});

test("a stale deadline fires order.stale with the site's stale age", () => {
  const o = order();
  const outcome = deadlineOutcome(
    pult,
    { order: o, version: 1 },
    keyOf(o, 'stale'),
    minutesAfter(T0, 31 * DAY),
  );
  assert.ok(outcome.action === 'fire');
  assert.equal(outcome.kind, 'stale');
  assert.equal(outcome.event.envelope.type, 'order.stale');
  const payload = outcome.event.envelope.payload as Record<string, unknown>;
  assert.equal(payload.staleSince, minutesAfter(T0, 30 * DAY).toISOString());
  assert.equal(payload.staleAfterDays, 30);
});

test('a deadline of a status the order has left, or of an order that is gone, is dropped', () => {
  const o = order();
  const key = keyOf(o, 'status-overdue');
  const moved = { ...o, status: 'availability-check', statusUpdatedAt: minutesAfter(T0, 5) };
  const late = minutesAfter(T0, 60);
  assert.deepEqual(deadlineOutcome(pult, { order: moved, version: 2 }, key, late), { action: 'drop' });
  assert.deepEqual(deadlineOutcome(pult, undefined, key, late), { action: 'drop' });
  // Back in 'new' later: a new entry into the status, so the old deadline still does not fire.
  const back = { ...o, statusUpdatedAt: minutesAfter(T0, 10) };
  assert.deepEqual(deadlineOutcome(pult, { order: back, version: 3 }, key, late), { action: 'drop' });
});

test('limits come from the current reference data: longer postpones, removed drops', () => {
  const o = order();
  const key = keyOf(o, 'status-overdue');
  const now = minutesAfter(T0, 20);
  const longer = demoWith((d) => (d.statuses.find((s) => s.code === 'new')!.timeLimitMinutes = 60));
  assert.deepEqual(deadlineOutcome(longer, { order: o, version: 1 }, key, now), {
    action: 'postpone',
    dueAt: minutesAfter(T0, 60),
  });
  const none = demoWith((d) => delete d.statuses.find((s) => s.code === 'new')!.timeLimitMinutes);
  assert.deepEqual(deadlineOutcome(none, { order: o, version: 1 }, key, now), { action: 'drop' });
});

test('only a new status entry changes the deadlines, not an edit', () => {
  const o = order();
  assert.equal(
    statusEntryChanged(o, { ...o, managerComment: 'called', updatedAt: minutesAfter(T0, 1) }),
    false,
  );
  assert.equal(statusEntryChanged(o, { ...o, status: 'availability-check' }), true);
  assert.equal(statusEntryChanged(o, { ...o, statusUpdatedAt: minutesAfter(T0, 1) }), true);
});
