import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoWith, minutesAfter, order, pult, T0 } from '../reference-data/fixtures';
import { isOverdue, isStale, staleSince, statusDeadline } from './overdue';

const DAY = 24 * 60;
const justBefore = (d: Date) => new Date(d.getTime() - 1);

test('a new order may stay in "new" for 15 minutes', () => {
  const o = order();
  const deadline = minutesAfter(T0, 15);
  assert.deepEqual(statusDeadline(pult, o), deadline);
  assert.equal(isOverdue(pult, o, T0), false);
  assert.equal(isOverdue(pult, o, justBefore(deadline)), false);
  assert.equal(isOverdue(pult, o, deadline), true, 'at the deadline the limit is used up');
  assert.equal(isOverdue(pult, o, minutesAfter(T0, 16)), true);
});

test('the deadline counts from when the order entered its status', () => {
  const entered = minutesAfter(T0, 10);
  const o = order({ status: 'availability-check', statusUpdatedAt: entered });
  assert.deepEqual(statusDeadline(pult, o), minutesAfter(entered, 120));
  assert.equal(isOverdue(pult, o, minutesAfter(T0, 20)), false, 'no longer bound by the 15 minutes of "new"');
  assert.equal(isOverdue(pult, o, minutesAfter(entered, 120)), true);
});

test('a status change resets the deadline', () => {
  const late = order();
  const now = minutesAfter(T0, 30);
  assert.equal(isOverdue(pult, late, now), true);
  const moved = { ...late, status: 'availability-confirmed', statusUpdatedAt: minutesAfter(T0, 29) };
  assert.equal(isOverdue(pult, moved, now), false);
  // Re-entering the same status starts it afresh too.
  const reentered = { ...late, statusUpdatedAt: minutesAfter(T0, 29) };
  assert.equal(isOverdue(pult, reentered, now), false);
});

test('long limits: awaiting supply for two weeks', () => {
  const o = order({ status: 'awaiting-supply' });
  assert.equal(isOverdue(pult, o, minutesAfter(T0, 14 * DAY - 1)), false);
  assert.equal(isOverdue(pult, o, minutesAfter(T0, 14 * DAY)), true);
});

test('a status without a time limit is never overdue', () => {
  const o = order({ status: 'installation-scheduled' });
  assert.equal(statusDeadline(pult, o), undefined);
  assert.equal(isOverdue(pult, o, minutesAfter(T0, 365 * DAY)), false);
});

test('final and unknown statuses have no deadline', () => {
  const years = minutesAfter(T0, 10 * 365 * DAY);
  for (const status of ['complete', 'cancelled-no-answer', 'bought-elsewhere', 'legacy-status']) {
    const o = order({ status });
    assert.equal(statusDeadline(pult, o), undefined, status);
    assert.equal(isOverdue(pult, o, years), false, status);
  }
});

test('the limit comes from the current reference data', () => {
  const relaxed = demoWith((d) => {
    d.statuses[0].timeLimitMinutes = 30;
  });
  assert.equal(isOverdue(relaxed, order(), minutesAfter(T0, 20)), false);
  assert.equal(isOverdue(relaxed, order(), minutesAfter(T0, 30)), true);
});

test("an open order is stale after its site's stale age, counted from its creation", () => {
  const retail = order({ status: 'awaiting-supply', statusUpdatedAt: minutesAfter(T0, 29 * DAY) });
  const since = minutesAfter(T0, 30 * DAY);
  assert.deepEqual(staleSince(pult, retail), since);
  assert.equal(isStale(pult, retail, justBefore(since)), false);
  assert.equal(isStale(pult, retail, since), true);
  assert.equal(isStale(pult, retail, minutesAfter(T0, 400 * DAY)), true);

  const wholesale = order({ site: 'pult-opt', status: 'agreed' });
  assert.deepEqual(staleSince(pult, wholesale), minutesAfter(T0, 60 * DAY));
  assert.equal(isStale(pult, wholesale, since), false);
});

test('complete and cancelled orders are never stale', () => {
  const years = minutesAfter(T0, 10 * 365 * DAY);
  for (const status of ['complete', 'cancelled-by-customer', 'cancelled-other']) {
    assert.equal(staleSince(pult, order({ status })), undefined, status);
    assert.equal(isStale(pult, order({ status }), years), false, status);
  }
});

test('an order in a status missing from the dictionary is open, so it does become stale', () => {
  // The 18,000 orders "in progress" since 2011 surface this way.
  const legacy = order({ status: 'v-rabote', createdAt: new Date('2011-05-01T00:00:00Z') });
  assert.equal(isStale(pult, legacy, T0), true);
});

test('an order of an unknown site has no stale age', () => {
  assert.equal(staleSince(pult, order({ site: 'pult-spb' })), undefined);
  assert.equal(isStale(pult, order({ site: 'pult-spb' }), minutesAfter(T0, 365 * DAY)), false);
});
