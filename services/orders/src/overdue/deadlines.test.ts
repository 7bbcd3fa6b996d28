import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderState } from '../orders/order-state';
import { demoWith, minutesAfter, order, pult, T0 } from '../reference-data/fixtures';
import { deadlineKey, isDeadlineDue, planDeadlines, type DeadlineRecord } from './deadlines';

const DAY = 24 * 60;

test('a new order has two deadlines: its 15 minutes in "new" and its stale age', () => {
  const o = order();
  assert.deepEqual(planDeadlines(pult, o), [
    {
      key: `${o.id}:status-overdue:new:2026-03-02T09:00:00.000Z`,
      orderId: o.id,
      kind: 'status-overdue',
      status: 'new',
      statusUpdatedAt: T0,
      dueAt: minutesAfter(T0, 15),
    },
    {
      key: `${o.id}:stale:new:2026-03-02T09:00:00.000Z`,
      orderId: o.id,
      kind: 'stale',
      status: 'new',
      statusUpdatedAt: T0,
      dueAt: minutesAfter(T0, 30 * DAY),
    },
  ]);
});

test('planning the same state again gives the same keys: replicas and retries agree', () => {
  const table = new Map<string, DeadlineRecord>();
  for (let replica = 0; replica < 3; replica++) {
    for (const d of planDeadlines(pult, order())) if (!table.has(d.key)) table.set(d.key, d);
  }
  assert.equal(table.size, 2);
});

test('a status change plans new deadlines; the old ones no longer fire', () => {
  const before = order();
  const after: OrderState = { ...before, status: 'availability-check', statusUpdatedAt: minutesAfter(T0, 5) };
  const oldKeys = planDeadlines(pult, before).map((d) => d.key);
  const planned = planDeadlines(pult, after);
  assert.ok(planned.every((d) => !oldKeys.includes(d.key)));
  assert.deepEqual(
    planned.map((d) => [d.kind, d.dueAt]),
    [
      ['status-overdue', minutesAfter(T0, 5 + 120)],
      ['stale', minutesAfter(T0, 30 * DAY)],
    ],
  );
  const now = minutesAfter(T0, 20);
  for (const d of planDeadlines(pult, before))
    assert.equal(isDeadlineDue(pult, after, d, now), false, d.kind);
});

test('a status without a time limit only goes stale; a final status has no deadline', () => {
  assert.deepEqual(
    planDeadlines(pult, order({ status: 'installation-scheduled' })).map((d) => d.kind),
    ['stale'],
  );
  assert.deepEqual(planDeadlines(pult, order({ status: 'complete' })), []);
  assert.deepEqual(planDeadlines(pult, order({ status: 'cancelled-no-answer' })), []);
});

test('a claimed deadline fires from its due instant on, while the order stays where it was', () => {
  const o = order();
  const [overdue, stale] = planDeadlines(pult, o);
  assert.equal(isDeadlineDue(pult, o, overdue, minutesAfter(T0, 14)), false);
  assert.equal(isDeadlineDue(pult, o, overdue, minutesAfter(T0, 15)), true);
  assert.equal(isDeadlineDue(pult, o, overdue, minutesAfter(T0, 90)), true);
  assert.equal(isDeadlineDue(pult, o, stale, minutesAfter(T0, 30 * DAY - 1)), false);
  assert.equal(isDeadlineDue(pult, o, stale, minutesAfter(T0, 30 * DAY)), true);
  // Completed meanwhile: nothing fires.
  const done = { ...o, status: 'complete', statusUpdatedAt: minutesAfter(T0, 10) };
  assert.equal(isDeadlineDue(pult, done, overdue, minutesAfter(T0, 90)), false);
  assert.equal(isDeadlineDue(pult, done, stale, minutesAfter(T0, 31 * DAY)), false);
});

test('re-entering the same status is a new deadline', () => {
  const first = order();
  const again = { ...first, statusUpdatedAt: minutesAfter(T0, 60) };
  const [firstOverdue] = planDeadlines(pult, first);
  const [againOverdue] = planDeadlines(pult, again);
  assert.notEqual(firstOverdue.key, againOverdue.key);
  assert.equal(isDeadlineDue(pult, again, firstOverdue, minutesAfter(T0, 70)), false);
  assert.equal(isDeadlineDue(pult, again, againOverdue, minutesAfter(T0, 75)), true);
});

test('a stale order that changes status gets a new stale deadline, due at once', () => {
  const moved = order({ status: 'awaiting-supply', statusUpdatedAt: minutesAfter(T0, 40 * DAY) });
  const stale = planDeadlines(pult, moved).find((d) => d.kind === 'stale');
  assert.ok(stale);
  assert.deepEqual(stale.dueAt, minutesAfter(T0, 30 * DAY));
  assert.equal(isDeadlineDue(pult, moved, stale, minutesAfter(T0, 40 * DAY)), true);
});

test('a claimed deadline is checked against the current reference data', () => {
  const o = order();
  const [overdue] = planDeadlines(pult, o);
  const relaxed = demoWith((d) => {
    d.statuses[0].timeLimitMinutes = 30;
  });
  assert.equal(isDeadlineDue(relaxed, o, overdue, minutesAfter(T0, 20)), false);
  assert.equal(isDeadlineDue(relaxed, o, overdue, minutesAfter(T0, 30)), true);
  const unlimited = demoWith((d) => {
    delete d.statuses[0].timeLimitMinutes;
  });
  assert.equal(isDeadlineDue(unlimited, o, overdue, minutesAfter(T0, 60)), false);
});

test('the key identifies order, kind, status and the instant the status was entered', () => {
  const at = new Date('2026-03-02T09:00:00.000Z');
  const base = { orderId: 'o-1', kind: 'stale' as const, status: 'new', statusUpdatedAt: at };
  const keys = new Set([
    deadlineKey(base),
    deadlineKey({ ...base, orderId: 'o-2' }),
    deadlineKey({ ...base, kind: 'status-overdue' }),
    deadlineKey({ ...base, status: 'agreed' }),
    deadlineKey({ ...base, statusUpdatedAt: new Date(at.getTime() + 1) }),
  ]);
  assert.equal(keys.size, 5);
  assert.equal(deadlineKey(base), deadlineKey({ ...base, statusUpdatedAt: new Date(at) }));
});
