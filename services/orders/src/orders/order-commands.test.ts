import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderJson } from '@openretail/contracts';
import { T0, minutesAfter, order, pult, rub } from '../reference-data/fixtures';
import {
  planCommand,
  planOrThrow,
  throwProblems,
  MARK_PAID_PERMISSION,
  type Caller,
  type CommandContext,
  type OrderCommand,
  type Problem,
} from './order-commands';
import { eventsOf, orderSummary } from './order-events';
import { orderTotals } from './order-commands';

let ids = 0;
const now = minutesAfter(T0, 5);
const caller = (over: Partial<Caller> = {}): Caller => ({
  userId: 'u-1',
  groups: ['managers'],
  source: 'manager',
  sites: 'all',
  permissions: [],
  ...over,
});
const ctx = (over: Partial<Caller> = {}): CommandContext => ({
  ref: pult,
  caller: caller(over),
  now,
  newId: () => `id-${++ids}`,
});
const identity = { id: '0195a1b2-0000-7000-8000-0000000000aa', number: '1042A' };

const newOrder = (over: OrderJson = {}): OrderJson => ({
  site: 'pult',
  currency: 'RUB',
  orderMethod: 'cart',
  customer: { firstName: 'Анна', phones: ['+79161234567'] },
  items: [{ name: 'Ресивер', quantity: 2, unitPrice: rub(1_000_000), discount: rub(50_000) }],
  delivery: { type: 'courier', address: 'Москва', cost: rub(30_000) },
  ...over,
});

function problems(before: ReturnType<typeof order> | undefined, command: OrderCommand, c = ctx()): Problem[] {
  const result = planCommand(before, command, c, before ? undefined : identity);
  assert.equal(result.ok, false, 'expected the command to be refused');
  return result.ok ? [] : result.problems;
}

test('create: initial status, ids, totals from the lines, never from the caller', () => {
  const plan = planOrThrow(undefined, { kind: 'create', order: newOrder() }, ctx(), identity);
  const o = plan.after;
  assert.equal(o.id, identity.id);
  assert.equal(o.number, '1042A');
  assert.equal(o.status, 'new');
  assert.deepEqual(o.statusUpdatedAt, now);
  assert.match(o.items[0].id, /^id-/);
  const totals = orderTotals(pult, o);
  assert.deepEqual(totals.items, rub(1_950_000));
  assert.deepEqual(totals.total, rub(1_980_000));
  assert.deepEqual(totals.due, rub(1_980_000));
  assert.deepEqual(
    plan.history.map((h) => h.field),
    ['created'],
  );
});

test('create: every malformed field is named at once', () => {
  const found = problems(undefined, {
    kind: 'create',
    order: {
      site: 'pult',
      currency: 'rub',
      items: [{ name: '', quantity: 0, unitPrice: rub(-1) }],
    } as OrderJson,
  });
  const fields = found.map((p) => p.field).sort();
  assert.deepEqual(fields, [
    'currency',
    'items[0].name',
    'items[0].quantity',
    'items[0].unitPrice.amountMinor',
  ]);
  assert.ok(found.every((p) => p.kind === 'invalid'));
});

test('create: unknown codes are refused by name, with the site currency', () => {
  const found = problems(undefined, {
    kind: 'create',
    order: newOrder({
      currency: 'EUR',
      items: [{ name: 'x', quantity: 1, unitPrice: { amountMinor: 1, currency: 'EUR' }, status: 'lost' }],
      orderType: 'nope',
      delivery: { type: 'teleport' },
      customFields: { 'call-logged': 'yes', mystery: 1 },
    }),
  });
  assert.deepEqual(Object.fromEntries(found.map((p) => [p.field, p.reason])), {
    currency: "must be RUB, the currency of site 'pult'",
    orderType: "unknown order type 'nope'",
    'delivery.type': "unknown delivery type 'teleport'",
    'items[0].status': "unknown item status 'lost'",
    'customFields.call-logged': 'must be true or false',
    'customFields.mystery': "unknown order custom field 'mystery'",
  });
});

test('create: a key for one site cannot create on another', () => {
  const found = problems(undefined, { kind: 'create', order: newOrder() }, ctx({ sites: ['pult-opt'] }));
  assert.deepEqual(found, [
    { kind: 'forbidden', field: 'site', reason: "this key has no access to site 'pult'" },
  ]);
  assert.throws(() => throwProblems(found), { name: 'PermissionDeniedError' });
});

test('create: a legal entity paying by card is denied by the site rule', () => {
  const found = problems(undefined, {
    kind: 'create',
    order: newOrder({
      contragent: { type: 'legal-entity', legalName: 'ООО Ромашка', inn: '7701234567' },
      payments: [{ type: 'card-online', status: 'not-paid', amount: rub(1_980_000) }],
    }),
  });
  assert.deepEqual(
    found.map((p) => [p.kind, p.rule]),
    [['rule', 'legal-entity-no-card']],
  );
  assert.throws(() => throwProblems(found), {
    name: 'PreconditionError',
    message: /legal entity cannot pay by card/,
  });
});

test('create: a paid payment needs the mark-paid permission', () => {
  const order = newOrder({ payments: [{ type: 'card-online', status: 'paid', amount: rub(1_980_000) }] });
  const found = problems(undefined, { kind: 'create', order }, ctx({ source: 'api', userId: undefined }));
  assert.deepEqual(
    found.map((p) => [p.kind, p.field]),
    [['forbidden', 'payments[0].status']],
  );
  const ok = planCommand(
    undefined,
    { kind: 'create', order },
    ctx({ source: 'api', permissions: [MARK_PAID_PERMISSION] }),
    identity,
  );
  assert.equal(ok.ok, true);
});

test('edit: the mask decides what changes; items keep their ids; history lists each field', () => {
  const before = order();
  const plan = planOrThrow(
    before,
    {
      kind: 'edit',
      order: {
        delivery: { address: 'Тверская 1' },
        managerComment: 'Перезвонить',
        items: [{ ...before.items[0], quantity: 2 }],
      },
      mask: ['delivery.address', 'managerComment', 'items'],
    },
    ctx(),
  );
  assert.equal(plan.after.delivery?.type, 'courier', 'fields outside the mask stay');
  assert.equal(plan.after.items[0].id, 'i-1');
  assert.deepEqual(
    plan.history.map((h) => h.field),
    ['delivery.address', 'items[i-1].quantity', 'managerComment'],
  );
});

test('edit: the categories of a line change like its other fields, one history entry for the list', () => {
  const before = order();
  const line = { ...before.items[0], categories: ['receivers', 'hi-fi', 'receivers'] };
  const set = planOrThrow(before, { kind: 'edit', order: { items: [line] }, mask: ['items'] }, ctx());
  assert.deepEqual(set.after.items[0].categories, ['receivers', 'hi-fi'], 'each once, in order');
  assert.deepEqual(set.history, [
    { field: 'items[i-1].categories', oldValue: null, newValue: ['receivers', 'hi-fi'] },
  ]);
  const cleared = planOrThrow(
    set.after,
    { kind: 'edit', order: { items: [{ ...line, categories: [] }] }, mask: ['items'] },
    ctx(),
  );
  assert.equal('categories' in cleared.after.items[0], false, 'an empty list is none');
  assert.deepEqual(
    cleared.history.map((h) => [h.field, h.newValue]),
    [['items[i-1].categories', null]],
  );
});

test('edit: status, payments and unknown paths cannot be named; unknown line ids are refused', () => {
  const found = problems(order(), {
    kind: 'edit',
    order: {},
    mask: ['status', 'payments', 'number', 'customer.first.x'],
  });
  assert.deepEqual(
    found.map((p) => p.field),
    ['updateMask[0]', 'updateMask[1]', 'updateMask[2]', 'updateMask[3]'],
  );
  const lines = problems(order(), {
    kind: 'edit',
    order: { items: [{ id: 'ghost', name: 'x', quantity: 1, unitPrice: rub(1) }] },
    mask: ['items'],
  });
  assert.deepEqual(
    lines.map((p) => p.field),
    ['items[0].id'],
  );
});

test('edit: the same values again is a no-op', () => {
  const before = order();
  const plan = planOrThrow(
    before,
    { kind: 'edit', order: { customer: { firstName: 'Анна' } }, mask: ['customer.firstName'] },
    ctx(),
  );
  assert.equal(plan.noop, true);
  assert.deepEqual(plan.history, []);
});

test('edit: a retired order type stays on an old order but cannot be set anew', () => {
  const before = order({ orderType: 'main' });
  const found = problems(before, { kind: 'edit', order: { orderType: 'missing' }, mask: ['orderType'] });
  assert.deepEqual(
    found.map((p) => p.field),
    ['orderType'],
  );
});

test('status: along the matrix by an allowed group; against it refused; statusUpdatedAt moves', () => {
  const before = order();
  const plan = planOrThrow(before, { kind: 'status-change', status: 'availability-check' }, ctx());
  assert.equal(plan.after.status, 'availability-check');
  assert.deepEqual(plan.after.statusUpdatedAt, now);
  assert.deepEqual(
    plan.history.map((h) => h.field),
    ['status', 'statusUpdatedAt'],
  );

  const against = problems(before, { kind: 'status-change', status: 'complete' });
  assert.equal(against[0].kind, 'precondition');
  const wrongGroup = problems(
    before,
    { kind: 'status-change', status: 'availability-check' },
    ctx({ groups: ['logistics'] }),
  );
  assert.equal(wrongGroup[0].kind, 'forbidden');
});

test('status: cancelling needs a reason from the dictionary', () => {
  const before = order();
  assert.deepEqual(
    problems(before, { kind: 'status-change', status: 'cancelled-by-customer' }).map((p) => p.field),
    ['cancelReason'],
  );
  assert.deepEqual(
    problems(before, { kind: 'status-change', status: 'cancelled-by-customer', cancelReason: 'bored' }).map(
      (p) => p.reason,
    ),
    ["unknown cancel reason 'bored'"],
  );
  const plan = planOrThrow(
    before,
    { kind: 'status-change', status: 'cancelled-by-customer', cancelReason: 'too-expensive' },
    ctx(),
  );
  assert.equal(plan.after.cancelReason, 'too-expensive');
});

test('status: the same status again is a no-op (a retried request)', () => {
  const plan = planOrThrow(order(), { kind: 'status-change', status: 'new' }, ctx());
  assert.equal(plan.noop, true);
});

test('payments: add, edit and delete by id; marking paid needs the permission; only accounting may (rule)', () => {
  const before = order();
  const add = planOrThrow(
    before,
    { kind: 'payment-add', payment: { type: 'cash', status: 'not-paid', amount: rub(100) } },
    ctx(),
  );
  const paymentId = add.after.payments[0].id;
  assert.deepEqual(
    add.history.map((h) => h.field),
    [`payments[${paymentId}]`],
  );

  const markPaid: OrderCommand = {
    kind: 'payment-edit',
    paymentId,
    payment: { status: 'paid' },
    mask: ['status'],
  };
  assert.equal(problems(add.after, markPaid)[0].kind, 'forbidden');
  const byManager = problems(add.after, markPaid, ctx({ permissions: [MARK_PAID_PERMISSION] }));
  assert.deepEqual(
    byManager.map((p) => p.rule),
    ['only-accounting-marks-paid'],
  );
  const byAccounting = planOrThrow(
    add.after,
    markPaid,
    ctx({ groups: ['accounting'], permissions: [MARK_PAID_PERMISSION] }),
  );
  assert.equal(byAccounting.after.payments[0].status, 'paid');

  const del = planOrThrow(add.after, { kind: 'payment-delete', paymentId }, ctx());
  assert.deepEqual(del.after.payments, []);
  assert.deepEqual(
    problems(before, { kind: 'payment-delete', paymentId: 'nope' }).map((p) => p.field),
    ['paymentId'],
  );
});

test('events: order.created carries the summary later events carry, with the offers bought once each', () => {
  const lines = [
    { offerExternalId: 'rx-v6a', name: 'Ресивер', quantity: 1, unitPrice: rub(1_000_000) },
    { name: 'Кабель', quantity: 2, unitPrice: rub(10_000) },
    { offerExternalId: 'rx-v6a', name: 'Ресивер (подарок)', quantity: 1, unitPrice: rub(0) },
  ];
  const plan = planOrThrow(undefined, { kind: 'create', order: newOrder({ items: lines }) }, ctx(), identity);
  const summary = orderSummary(pult, plan.after, orderTotals(pult, plan.after), 1);
  const [created] = eventsOf(plan, pult, summary, caller(), now);
  assert.equal(created.envelope.type, 'order.created');
  const payload = created.envelope.payload as { order?: typeof summary };
  assert.deepEqual(payload.order, summary);
  assert.equal(summary.version, 1);
  assert.equal(summary.statusGroupKind, 'new');
  assert.deepEqual(summary.offerExternalIds, ['rx-v6a']);
  assert.deepEqual(summary.productCategories, [], 'no line names a category');
});

test('events: the summary lists the categories of the lines once each, in line order', () => {
  const lines = [
    { categories: ['receivers', 'hi-fi'], name: 'Ресивер', quantity: 1, unitPrice: rub(1_000_000) },
    { name: 'Кабель', quantity: 2, unitPrice: rub(10_000) },
    { categories: ['cables', 'hi-fi'], name: 'Кабель HDMI', quantity: 1, unitPrice: rub(20_000) },
  ];
  const plan = planOrThrow(undefined, { kind: 'create', order: newOrder({ items: lines }) }, ctx(), identity);
  const summary = orderSummary(pult, plan.after, orderTotals(pult, plan.after), 1);
  assert.deepEqual(summary.productCategories, ['receivers', 'hi-fi', 'cables']);
});

test('events: status change into the cancel group also says cancelled; a new manager says assigned', () => {
  const before = order();
  const plan = planOrThrow(
    before,
    { kind: 'status-change', status: 'cancelled-other', cancelReason: 'other' },
    ctx(),
  );
  const summary = orderSummary(pult, plan.after, orderTotals(pult, plan.after), 2);
  assert.deepEqual(
    [summary.statusGroup, summary.statusGroupKind],
    ['cancel', 'cancel'],
    'the group and its kind, by which consumers tell a cancelled order',
  );
  assert.deepEqual(
    eventsOf(plan, pult, summary, caller(), now).map((e) => e.envelope.type),
    ['order.status-changed', 'order.cancelled'],
  );
  const assign = planOrThrow(
    before,
    { kind: 'edit', order: { managerId: 'u-7' }, mask: ['managerId'] },
    ctx(),
  );
  assert.deepEqual(
    eventsOf(assign, pult, summary, caller(), now).map((e) => e.envelope.type),
    ['order.updated', 'order.assigned'],
  );
});
