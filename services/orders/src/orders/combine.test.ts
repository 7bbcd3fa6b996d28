import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CombineTechnique } from '@openretail/contracts';
import { T0, demoWith, minutesAfter, order, payment, pult, rub } from '../reference-data/fixtures';
import { mergeItems, planCombine, type CombineRequest } from './combine';
import { planCommand, orderTotals, type Caller, type CommandContext } from './order-commands';
import { eventsOf, orderSummary } from './order-events';
import type { OrderItemState, OrderState } from './order-state';

const now = minutesAfter(T0, 30);
const manager: Caller = {
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
};
const ctx = (caller: Partial<Caller> = {}, ref = pult): CommandContext => ({
  ref,
  caller: { ...manager, ...caller },
  now,
  newId: () => 'unused',
});

const line = (
  id: string,
  offer: string | undefined,
  quantity: number,
  over: Partial<OrderItemState> = {},
) => ({
  id,
  ...(offer ? { offerExternalId: offer } : {}),
  name: offer ?? 'Без артикула',
  quantity,
  unitPrice: rub(100_000),
  discount: rub(0),
  ...over,
});

/** The order combined (the second order of a customer) and the order it goes into. */
const combined = (over: Partial<OrderState> = {}) =>
  order({
    id: '0195a1b2-0000-7000-8000-000000000002',
    number: '1002A',
    items: [line('c-1', 'cable', 3, { discount: rub(30_000) }), line('c-2', 'stand', 1)],
    payments: [payment({ id: 'p-9', numericId: 9, status: 'not-paid', amount: rub(10_000) })],
    ...over,
  });
const into = (over: Partial<OrderState> = {}) =>
  order({
    items: [line('i-1', 'receiver', 1), line('i-2', 'cable', 2, { discount: rub(10_000) })],
    payments: [
      payment({ id: 'p-1', numericId: 1, externalId: 'cms-1', status: 'not-paid', amount: rub(5_000) }),
    ],
    managerComment: 'Везём вместе',
    ...over,
  });

function plan(request: Partial<CombineRequest> = {}, c = ctx(), a = combined(), b = into()) {
  const result = planCombine(a, b, { technique: 'ours', ...request }, c);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.plan;
}

function refused(request: Partial<CombineRequest>, c = ctx(), a = combined(), b = into()) {
  const result = planCombine(a, b, { technique: 'ours', ...request }, c);
  assert.equal(result.ok, false, 'expected the combine to be refused');
  return result.ok ? [] : result.problems.map(({ kind, field, reason }) => ({ kind, field, reason }));
}

test('techniques: a product in both orders is one line, by the technique; other lines are all kept', () => {
  const result = (technique: CombineTechnique) =>
    mergeItems(into().items, combined().items, technique).map((i) => [
      i.id,
      i.quantity,
      i.discount.amountMinor,
    ]);
  assert.deepEqual(result('ours'), [
    ['i-1', 1, 0],
    ['i-2', 3, 30_000],
    ['c-2', 1, 0],
  ]);
  assert.deepEqual(result('summ'), [
    ['i-1', 1, 0],
    ['i-2', 5, 40_000],
    ['c-2', 1, 0],
  ]);
  assert.deepEqual(result('theirs'), [
    ['i-1', 1, 0],
    ['i-2', 2, 10_000],
    ['c-2', 1, 0],
  ]);
  assert.deepEqual(result('merge'), [
    ['i-1', 1, 0],
    ['i-2', 2, 10_000],
    ['c-1', 3, 30_000],
    ['c-2', 1, 0],
  ]);
  // Lines without a product never match; two lines of one product pair with two lines, in order.
  const a = [line('a-1', undefined, 1), line('a-2', 'x', 1), line('a-3', 'x', 1)];
  const b = [line('b-1', undefined, 2), line('b-2', 'x', 5), line('b-3', 'x', 7), line('b-4', 'x', 9)];
  assert.deepEqual(
    mergeItems(a, b, 'summ').map((i) => [i.id, i.quantity]),
    [
      ['a-1', 1],
      ['a-2', 6],
      ['a-3', 8],
      ['b-1', 2],
      ['b-4', 9],
    ],
  );
});

test('combine: lines merged, payments moved, the combined order cancelled as the site says, into it', () => {
  const p = plan({ technique: 'summ' });
  const { result, combined: gone } = p;
  assert.equal(p.noop, false);
  assert.deepEqual(
    result.after.items.map((i) => [i.id, i.quantity]),
    [
      ['i-1', 1],
      ['i-2', 5],
      ['c-2', 1],
    ],
  );
  assert.deepEqual(
    result.after.payments.map((x) => [x.id, x.numericId]),
    [
      ['p-1', 1],
      ['p-9', 9],
    ],
  );
  assert.equal(result.after.managerComment, 'Везём вместе', 'the result keeps its own fields');
  assert.equal(result.after.status, 'new');
  assert.deepEqual(orderTotals(pult, result.after).items, rub(100_000 + 500_000 - 40_000 + 100_000));

  assert.equal(gone.after.status, 'cancelled-other');
  assert.equal(gone.after.cancelReason, 'duplicate');
  assert.equal(gone.after.combinedInto, into().id);
  assert.deepEqual(gone.after.payments, []);
  assert.deepEqual(gone.after.items, combined().items, 'its lines stay as a record of what it was');
  assert.deepEqual(gone.after.statusUpdatedAt, now);

  assert.deepEqual(
    result.history.map((h) => h.field),
    ['items[c-2]', 'items[i-2].discount', 'items[i-2].quantity', 'payments[p-9]', 'combinedFrom'],
  );
  assert.equal(result.history.at(-1)!.newValue, combined().id);
  assert.deepEqual(
    gone.history.map((h) => h.field),
    ['cancelReason', 'combinedInto', 'payments[p-9]', 'status', 'statusUpdatedAt'],
  );
});

test('combine: events through the outbox: updated on the result; combined, status-changed, cancelled on the other', () => {
  const p = plan();
  const types = (change: typeof p.result, version: number) =>
    eventsOf(
      change,
      pult,
      orderSummary(pult, change.after, orderTotals(pult, change.after), version),
      manager,
      now,
    ).map((e) => e.envelope);
  const [updated] = types(p.result, 2);
  assert.equal(updated.type, 'order.updated');
  assert.deepEqual(
    (updated.payload as { changedFields: string[] }).changedFields,
    p.result.history.map((h) => h.field),
  );
  const envelopes = types(p.combined, 2);
  assert.deepEqual(
    envelopes.map((e) => e.type),
    ['order.combined', 'order.status-changed', 'order.cancelled'],
  );
  assert.deepEqual((envelopes[0].payload as Record<string, unknown>).into, {
    orderId: into().id,
    number: '1001A',
  });
  assert.deepEqual((envelopes[0].payload as Record<string, unknown>).movedPaymentIds, ['p-9']);
  assert.equal(envelopes[0].aggregateId, combined().id);
});

test('combine: the request may name the status and reason; only a status of the cancel group', () => {
  const p = plan({ status: 'cancelled-by-customer', cancelReason: 'changed-mind' });
  assert.deepEqual(
    [p.combined.after.status, p.combined.after.cancelReason],
    ['cancelled-by-customer', 'changed-mind'],
  );
  assert.equal(
    plan({ status: 'bought-elsewhere' }).combined.after.cancelReason,
    'duplicate',
    "the site's reason",
  );
  assert.deepEqual(refused({ status: 'agreed' }), [
    {
      kind: 'invalid',
      field: 'status',
      reason: "'agreed' is not a status of the cancel group: a combined order is cancelled",
    },
  ]);
  assert.deepEqual(
    refused({ cancelReason: 'bored' }).map((p) => p.field),
    ['cancelReason'],
  );
  const noDefault = demoWith((d) => {
    delete d.sites[0].combinedOrders;
  });
  assert.deepEqual(refused({}, ctx({}, noDefault)), [
    {
      kind: 'invalid',
      field: 'status',
      reason: "is required: site 'pult' names no status for combined orders (combinedOrders)",
    },
  ]);
  assert.equal(
    plan({ status: 'cancelled-other', cancelReason: 'other' }, ctx({}, noDefault)).combined.after.status,
    'cancelled-other',
  );
});

test('combine: the combined order is cancelled along the matrix, for the acting user only', () => {
  // The API alone (no user, no groups) may not cancel on the retail site.
  assert.deepEqual(
    refused({}, ctx({ userId: undefined, groups: [], source: 'api' })).map((p) => p.kind),
    ['forbidden'],
  );
  // There is no way from 'handed-to-delivery' to 'cancelled-other'.
  assert.deepEqual(
    refused({}, ctx(), combined({ status: 'handed-to-delivery' })).map((p) => [p.kind, p.field]),
    [['precondition', 'status']],
  );
});

test('combine: both orders open, in one currency, readable; not with itself; an unknown technique', () => {
  assert.deepEqual(refused({ technique: 'both' }), [
    { kind: 'invalid', field: 'technique', reason: 'must be one of ours, summ, theirs, merge' },
  ]);
  assert.deepEqual(
    refused({}, ctx(), into(), into()).map((p) => p.field),
    ['into'],
  );
  assert.deepEqual(
    refused({}, ctx({ sites: ['pult-opt'] })).map((p) => p.kind),
    ['forbidden'],
  );
  assert.deepEqual(refused({}, ctx(), combined(), into({ status: 'complete' })), [
    {
      kind: 'precondition',
      field: 'into',
      reason: "order 1001A is in the final status 'complete': only open orders are combined",
    },
  ]);
  assert.deepEqual(
    refused({}, ctx(), combined({ status: 'cancelled-no-answer', cancelReason: 'no-answer' })).map(
      (p) => p.field,
    ),
    ['status'],
  );
  assert.deepEqual(
    refused({}, ctx(), combined({ currency: 'EUR' })).map((p) => p.field),
    ['currency'],
  );
  const clash = combined({ payments: [payment({ id: 'p-9', externalId: 'cms-1' })] });
  assert.deepEqual(refused({}, ctx(), clash), [
    { kind: 'precondition', field: 'payments', reason: "both orders have a payment with externalId 'cms-1'" },
  ]);
});

test('combine: a combined order changes no more; combining it again into the same order changes nothing', () => {
  const { combined: gone, result } = plan();
  const again = planCombine(gone.after, result.after, { technique: 'summ' }, ctx());
  assert.ok(again.ok && again.plan.noop);
  assert.deepEqual(
    refused({}, ctx(), gone.after, order({ id: '0195a1b2-0000-7000-8000-000000000003', number: '1003A' })),
    [
      {
        kind: 'precondition',
        field: 'combinedInto',
        reason: `order 1002A was combined into order ${into().id} and changes no more`,
      },
    ],
  );
  const edit = planCommand(gone.after, { kind: 'status-change', status: 'new' }, ctx());
  assert.deepEqual(edit.ok ? [] : edit.problems.map((p) => p.kind), ['precondition']);
});

test('combine: the rules see an edit of the result and a status change of the combined order', () => {
  // While in reservation only purchasing may change an order: a manager may not combine into it.
  const reserved = refused({}, ctx(), combined(), into({ status: 'reservation' }));
  assert.deepEqual(
    reserved.map((p) => p.kind),
    ['rule'],
  );
  assert.match(reserved[0].reason, /^order 1001A: While an order is in reservation/);
  // A paid payment moves as it is: nobody marks it paid, so the accounting-only rule does not apply.
  const paid = combined({
    payments: [payment({ id: 'p-9', numericId: 9, status: 'paid', amount: rub(1_000) })],
  });
  assert.equal(plan({}, ctx(), paid).result.after.payments[1].status, 'paid');
});
