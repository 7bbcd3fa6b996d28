import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderJson } from '@openretail/contracts';
import { T0, minutesAfter, order, payment, pult, rub } from '../reference-data/fixtures';
import {
  planCommand,
  planOrThrow,
  type Caller,
  type CommandContext,
  type OrderCommand,
} from './order-commands';

/** Payments' numeric ids (unique in the installation) and external ids (unique in their order). */

const caller: Caller = {
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
};
let ids = 0;
let paymentIds = 500;
const ctx = (numbered = true): CommandContext => ({
  ref: pult,
  caller,
  now: minutesAfter(T0, 5),
  newId: () => `id-${++ids}`,
  ...(numbered ? { newPaymentId: () => ++paymentIds } : {}),
});
const identity = { id: '0195a1b2-0000-7000-8000-0000000000aa', number: '1042A', numericId: 1042 };
const newOrder = (payments: OrderJson['payments']): OrderJson => ({
  site: 'pult',
  currency: 'RUB',
  items: [{ name: 'Ресивер', quantity: 1, unitPrice: rub(1_000_000) }],
  payments,
});
const unpaid = { type: 'cash', status: 'not-paid', amount: rub(1_000) };

function refused(before: ReturnType<typeof order> | undefined, command: OrderCommand) {
  const result = planCommand(before, command, ctx(), before ? undefined : identity);
  assert.equal(result.ok, false, 'expected the command to be refused');
  return result.ok ? [] : result.problems.map(({ field, reason }) => ({ field, reason }));
}

test('create: every payment gets a numeric id of its own and keeps its externalId; a dry run gives none', () => {
  const command: OrderCommand = {
    kind: 'create',
    order: newOrder([{ ...unpaid, externalId: 'cms-1' }, unpaid]),
  };
  const [first, second] = planOrThrow(undefined, command, ctx(), identity).after.payments;
  assert.equal(first.externalId, 'cms-1');
  assert.equal(second.externalId, undefined);
  assert.equal(second.numericId, first.numericId! + 1);
  const dry = planOrThrow(undefined, command, ctx(false), identity).after.payments;
  assert.deepEqual(
    dry.map((p) => p.numericId),
    [undefined, undefined],
  );
});

test('externalId is unique in its order: on create, on add and on edit', () => {
  assert.deepEqual(
    refused(undefined, {
      kind: 'create',
      order: newOrder([
        { ...unpaid, externalId: 'cms-1' },
        { ...unpaid, externalId: 'cms-1' },
      ]),
    }),
    [
      {
        field: 'payments[1].externalId',
        reason: "order 1042A already has a payment with externalId 'cms-1'",
      },
    ],
  );
  const before = order({
    payments: [
      payment({ id: 'p-1', numericId: 7, externalId: 'cms-1' }),
      payment({ id: 'p-2', numericId: 8 }),
    ],
  });
  assert.deepEqual(refused(before, { kind: 'payment-add', payment: { ...unpaid, externalId: 'cms-1' } }), [
    { field: 'payment.externalId', reason: "order 1001A already has a payment with externalId 'cms-1'" },
  ]);
  assert.deepEqual(
    refused(before, {
      kind: 'payment-edit',
      paymentId: 'p-2',
      payment: { externalId: 'cms-1' },
      mask: ['externalId'],
    }),
    [{ field: 'payment.externalId', reason: "order 1001A already has a payment with externalId 'cms-1'" }],
  );
  // Another order may use the same externalId: it is unique per order only.
  const other = planOrThrow(
    order({ id: 'o-2' }),
    {
      kind: 'payment-add',
      payment: { ...unpaid, externalId: 'cms-1' },
    },
    ctx(),
  );
  assert.equal(other.after.payments[0].externalId, 'cms-1');
});

test('add gives the new payment a numeric id; edit keeps it and may set the externalId; history shows both', () => {
  const before = order({ payments: [payment({ id: 'p-1', numericId: 7 })] });
  const added = planOrThrow(
    before,
    { kind: 'payment-add', payment: { ...unpaid, externalId: 'cms-9' } },
    ctx(),
  );
  const payment2 = added.after.payments[1];
  assert.equal(typeof payment2.numericId, 'number');
  assert.notEqual(payment2.numericId, 7);
  assert.deepEqual(
    added.history.map((h) => h.field),
    [`payments[${payment2.id}]`],
  );
  assert.equal((added.history[0].newValue as { numericId: number }).numericId, payment2.numericId);

  const edited = planOrThrow(
    added.after,
    {
      kind: 'payment-edit',
      paymentId: 'p-1',
      payment: { externalId: 'cms-7', status: 'paid' },
      mask: ['externalId'],
    },
    { ...ctx(), caller: { ...caller, permissions: ['payments:mark-paid'] } },
  );
  assert.deepEqual(
    { ...edited.after.payments[0], paidAt: undefined },
    { ...before.payments[0], externalId: 'cms-7', paidAt: undefined },
    'only the named field changes; the numeric id stays',
  );
  assert.deepEqual(
    edited.history.map((h) => [h.field, h.newValue]),
    [['payments[p-1].externalId', 'cms-7']],
  );
  const cleared = planOrThrow(
    edited.after,
    { kind: 'payment-edit', paymentId: 'p-1', payment: {}, mask: ['externalId'] },
    ctx(),
  );
  assert.equal(cleared.after.payments[0].externalId, undefined);
  assert.equal(cleared.after.payments[0].numericId, 7);
});

test('an order with payments can be edited: payments are no part of the edit', () => {
  const before = order({ payments: [payment({ id: 'p-1', numericId: 7, externalId: 'cms-1' })] });
  const plan = planOrThrow(
    before,
    { kind: 'edit', order: { managerComment: 'Перезвонить' }, mask: ['managerComment'] },
    ctx(),
  );
  assert.deepEqual(plan.after.payments, before.payments);
  assert.deepEqual(
    plan.history.map((h) => h.field),
    ['managerComment'],
  );
});
