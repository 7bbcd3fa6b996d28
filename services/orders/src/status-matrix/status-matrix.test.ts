import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionDeniedError, PreconditionError, ValidationError } from '@openretail/contracts';
import type { Actor, OrderState } from '../orders/order-state';
import { actor, demoWith, order, payment, pult, rub } from '../reference-data/fixtures';
import type { ReferenceData } from '../reference-data/reference-data';
import {
  assertStatusChange,
  checkStatusChange,
  type StatusChange,
  type StatusChangeViolationKind,
} from './status-matrix';

const managers = actor('managers');
const purchasing = actor('purchasing');
const logistics = actor('logistics');
const accounting = actor('accounting');
const admins = actor('admins');
const carrier: Actor = { groups: [], source: 'integration' };

/** The refusal of a change as { field: 'kind: reason' }; fails when the change is allowed. */
function refusal(
  o: OrderState,
  change: StatusChange,
  by: Actor,
  ref: ReferenceData = pult,
): Record<string, `${StatusChangeViolationKind}: ${string}`> {
  const check = checkStatusChange(ref, o, change, by);
  assert.ok(!check.ok, `expected ${o.status} → ${change.to} to be refused`);
  return Object.fromEntries(check.violations.map((v) => [v.field, `${v.kind}: ${v.reason}` as const]));
}

function allowed(o: OrderState, change: StatusChange, by: Actor, ref: ReferenceData = pult) {
  const check = checkStatusChange(ref, o, change, by);
  assert.ok(check.ok, `expected ${o.status} → ${change.to} to be allowed: ${JSON.stringify(check)}`);
  return check;
}

test('an order walks the retail conveyor, each step by the group that owns it', () => {
  const steps: [string, Actor][] = [
    ['availability-check', managers],
    ['reservation', purchasing],
    ['availability-confirmed', purchasing],
    ['awaiting-credit', actor('call-centre')],
    ['agreed', accounting],
    ['handed-to-assembly', managers],
    ['handed-to-delivery', logistics],
    ['ready-for-pickup', carrier],
    ['complete', carrier],
  ];
  let current = order({ payments: [payment()] });
  for (const [to, by] of steps) {
    assert.deepEqual(allowed(current, { to }, by), { ok: true, noop: false, cancelReason: undefined });
    current = { ...current, status: to };
  }
});

test('skipping steps is refused with the transition named', () => {
  assert.deepEqual(refusal(order(), { to: 'handed-to-assembly' }, admins), {
    status: "precondition: no transition from 'new' to 'handed-to-assembly' on site 'pult'",
  });
  assert.deepEqual(refusal(order({ status: 'agreed' }), { to: 'availability-check' }, admins), {
    status: "precondition: no transition from 'agreed' to 'availability-check' on site 'pult'",
  });
});

test('nothing leaves the complete status', () => {
  for (const to of ['new', 'handed-to-delivery', 'cancelled-by-customer']) {
    const v = refusal(order({ status: 'complete' }), { to, cancelReason: 'other' }, admins);
    assert.equal(v.status, `precondition: no transition from 'complete' to '${to}' on site 'pult'`);
  }
});

test('each site has its own matrix', () => {
  const wholesale = order({ site: 'pult-opt' });
  allowed(order(), { to: 'availability-confirmed' }, managers);
  assert.deepEqual(refusal(wholesale, { to: 'availability-confirmed' }, managers), {
    status: "precondition: no transition from 'new' to 'availability-confirmed' on site 'pult-opt'",
  });
  // Retail: the call centre confirms with the customer; wholesale: accounting agrees by invoicing.
  allowed(order({ status: 'availability-confirmed' }), { to: 'agreed' }, actor('call-centre'));
  assert.match(
    refusal(
      order({ site: 'pult-opt', status: 'availability-confirmed' }),
      { to: 'agreed' },
      actor('call-centre'),
    ).status,
    /^forbidden: only accounting, admins may move/,
  );
  allowed(order({ site: 'pult-opt', status: 'availability-confirmed' }), { to: 'agreed' }, accounting);
});

test('a transition restricted to user groups is refused to everyone else', () => {
  const checking = order({ status: 'availability-check' });
  assert.deepEqual(refusal(checking, { to: 'availability-confirmed' }, managers), {
    status:
      "forbidden: only purchasing, admins may move an order from 'availability-check' to 'availability-confirmed' on site 'pult'",
  });
  assert.ok(refusal(checking, { to: 'availability-confirmed' }, carrier).status.startsWith('forbidden'));
  allowed(checking, { to: 'availability-confirmed' }, purchasing);
  allowed(checking, { to: 'availability-confirmed' }, admins);
  // One matching group is enough.
  allowed(checking, { to: 'availability-confirmed' }, actor('managers', 'purchasing'));
});

test('restrictions bind automation too; open transitions are open to all', () => {
  const automation: Actor = { groups: [], source: 'trigger' };
  assert.match(refusal(order(), { to: 'availability-check' }, automation).status, /^forbidden/);
  allowed(order({ status: 'handed-to-delivery' }), { to: 'ready-for-pickup' }, carrier);
  allowed(order({ status: 'handed-to-delivery' }), { to: 'ready-for-pickup' }, managers);
});

test('while an order is being reserved only purchasing may change it, even to cancel it', () => {
  const reserving = order({ status: 'reservation' });
  assert.match(
    refusal(reserving, { to: 'cancelled-by-customer', cancelReason: 'changed-mind' }, managers).status,
    /only purchasing/,
  );
  allowed(reserving, { to: 'cancelled-by-customer', cancelReason: 'supplier-out-of-stock' }, purchasing);
  allowed(
    order({ status: 'availability-confirmed' }),
    { to: 'cancelled-by-customer', cancelReason: 'changed-mind' },
    managers,
  );
});

test('cancelling requires a cancel reason from the dictionary, and returns it', () => {
  assert.deepEqual(refusal(order(), { to: 'cancelled-no-answer' }, managers), {
    cancelReason: 'invalid: is required when cancelling',
  });
  assert.deepEqual(allowed(order(), { to: 'cancelled-no-answer', cancelReason: 'no-answer' }, managers), {
    ok: true,
    noop: false,
    cancelReason: 'no-answer',
  });
  for (const to of pult.statusesOf('cancel').map((s) => s.code)) {
    assert.ok(refusal(order(), { to }, managers).cancelReason, to);
    allowed(order(), { to, cancelReason: 'too-expensive' }, managers);
  }
});

test('an unknown or retired cancel reason is refused', () => {
  assert.deepEqual(refusal(order(), { to: 'cancelled-other', cancelReason: 'aliens' }, managers), {
    cancelReason: "invalid: unknown cancel reason 'aliens'",
  });
  const retired = demoWith((d) => {
    const reason = d.cancelReasons.find((r) => r.code === 'test-order');
    assert.ok(reason);
    reason.active = false;
  });
  assert.deepEqual(
    refusal(order(), { to: 'cancelled-other', cancelReason: 'test-order' }, managers, retired),
    {
      cancelReason: "invalid: cancel reason 'test-order' is no longer in use",
    },
  );
});

test('a cancel reason outside the cancel group is refused', () => {
  assert.deepEqual(refusal(order(), { to: 'availability-check', cancelReason: 'too-expensive' }, managers), {
    cancelReason: "invalid: is only allowed when cancelling; 'availability-check' is not a cancelled status",
  });
});

test('reopening a cancelled order clears its cancel reason', () => {
  const cancelled = order({ status: 'cancelled-no-answer', cancelReason: 'no-answer' });
  assert.deepEqual(allowed(cancelled, { to: 'new' }, managers), {
    ok: true,
    noop: false,
    cancelReason: undefined,
  });
});

test('moving between cancelled statuses keeps the reason unless another is given', () => {
  const ref = demoWith((d) =>
    d.transitions.push({ site: 'pult', from: 'cancelled-no-answer', to: 'bought-elsewhere' }),
  );
  const cancelled = order({ status: 'cancelled-no-answer', cancelReason: 'no-answer' });
  assert.equal(allowed(cancelled, { to: 'bought-elsewhere' }, managers, ref).cancelReason, 'no-answer');
  assert.equal(
    allowed(cancelled, { to: 'bought-elsewhere', cancelReason: 'found-cheaper' }, managers, ref).cancelReason,
    'found-cheaper',
  );
});

test('the same status is a no-op, whatever the matrix and the actor', () => {
  assert.deepEqual(allowed(order(), { to: 'new' }, carrier), {
    ok: true,
    noop: true,
    cancelReason: undefined,
  });
  assert.deepEqual(allowed(order({ status: 'complete' }), { to: 'complete' }, carrier), {
    ok: true,
    noop: true,
    cancelReason: undefined,
  });
  // Even a retired status: a retried request must not fail.
  assert.equal(allowed(order({ status: 'in-progress' }), { to: 'in-progress' }, carrier).noop, true);
});

test('the same cancelled status with another reason changes the reason', () => {
  const cancelled = order({ status: 'cancelled-by-customer', cancelReason: 'changed-mind' });
  assert.deepEqual(
    allowed(cancelled, { to: 'cancelled-by-customer', cancelReason: 'changed-mind' }, managers),
    {
      ok: true,
      noop: true,
      cancelReason: 'changed-mind',
    },
  );
  assert.deepEqual(
    allowed(cancelled, { to: 'cancelled-by-customer', cancelReason: 'found-cheaper' }, managers),
    {
      ok: true,
      noop: false,
      cancelReason: 'found-cheaper',
    },
  );
  assert.match(
    refusal(cancelled, { to: 'cancelled-by-customer', cancelReason: 'nope' }, managers).cancelReason,
    /unknown/,
  );
  assert.match(
    refusal(order(), { to: 'new', cancelReason: 'too-expensive' }, managers).cancelReason,
    /only allowed when cancelling/,
  );
});

test('an unknown status is refused on the field status, with the other invalid fields', () => {
  assert.deepEqual(refusal(order(), { to: 'lost', cancelReason: 'nope' }, admins), {
    status: "invalid: unknown status 'lost'",
    cancelReason: "invalid: unknown cancel reason 'nope'",
  });
});

test('a retired status cannot be entered, but orders can leave it', () => {
  const ref = demoWith((d) => {
    d.transitions.push({ site: 'pult', from: 'availability-check', to: 'in-progress' });
    d.transitions.push({ site: 'pult', from: 'in-progress', to: 'cancelled-other', userGroups: ['admins'] });
  });
  assert.deepEqual(refusal(order({ status: 'availability-check' }), { to: 'in-progress' }, admins, ref), {
    status: "invalid: status 'in-progress' is no longer in use",
  });
  allowed(order({ status: 'in-progress' }), { to: 'cancelled-other', cancelReason: 'other' }, admins, ref);
});

test('an order of an unknown site cannot move', () => {
  assert.deepEqual(refusal(order({ site: 'pult-spb' }), { to: 'availability-check' }, admins), {
    site: "precondition: unknown site 'pult-spb'",
    status: "precondition: no transition from 'new' to 'availability-check' on site 'pult-spb'",
  });
});

test('retail orders are complete only when paid in full; the total comes from the order', () => {
  const delivered = (payments: OrderState['payments']) => order({ status: 'handed-to-delivery', payments });
  assert.deepEqual(refusal(delivered([]), { to: 'complete' }, carrier), {
    payments:
      'precondition: the order must be paid in full before it is complete: paid 0 of 5050000 RUB minor units',
  });
  assert.match(
    refusal(delivered([payment({ amount: rub(5_049_999) })]), { to: 'complete' }, carrier).payments,
    /paid 5049999 of 5050000/,
  );
  // Only payments in a paid status count: an approved credit is not money received yet.
  assert.match(
    refusal(
      delivered([payment({ status: 'credit-approved' }), payment({ id: 'p-2', status: 'not-paid' })]),
      { to: 'complete' },
      carrier,
    ).payments,
    /paid 0 of/,
  );
  allowed(delivered([payment()]), { to: 'complete' }, carrier);
  allowed(
    delivered([
      payment({ amount: rub(1_000_000) }),
      payment({ id: 'p-2', type: 'cash', amount: rub(4_050_000) }),
    ]),
    { to: 'complete' },
    carrier,
  );
  allowed(delivered([payment({ amount: rub(6_000_000) })]), { to: 'complete' }, carrier);
});

test('an order whose amounts cannot be added up cannot be completed on a site requiring payment', () => {
  const v = refusal(
    order({
      status: 'handed-to-delivery',
      payments: [payment({ amount: { amountMinor: 5_050_000, currency: 'USD' } })],
    }),
    { to: 'complete' },
    carrier,
  );
  assert.deepEqual(Object.keys(v), ['payments[0].amount.currency']);
  assert.match(v['payments[0].amount.currency'], /^precondition: cannot tell whether the order is paid: /);
});

test('wholesale orders are complete without waiting for payment', () => {
  allowed(order({ site: 'pult-opt', status: 'handed-to-delivery' }), { to: 'complete' }, carrier);
});

test('every problem of a change is reported at once', () => {
  const v = refusal(
    order({ status: 'installation-scheduled' }),
    { to: 'complete', cancelReason: 'other' },
    accounting,
  );
  assert.deepEqual(Object.keys(v).sort(), ['cancelReason', 'payments', 'status']);
  assert.match(v.status, /^forbidden: only managers, logistics, admins may move/);
});

test('assertStatusChange returns the outcome of an allowed change', () => {
  assert.deepEqual(
    assertStatusChange(pult, order(), { to: 'cancelled-other', cancelReason: 'other' }, managers),
    {
      noop: false,
      cancelReason: 'other',
    },
  );
});

test('assertStatusChange throws the most fundamental kind of problem', () => {
  // Invalid fields first, with only those as violations.
  assert.throws(
    () =>
      assertStatusChange(
        pult,
        order({ status: 'installation-scheduled' }),
        { to: 'complete', cancelReason: 'other' },
        accounting,
      ),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.violations.length === 1 &&
      e.violations[0].field === 'cancelReason' &&
      !('kind' in e.violations[0]),
  );
  assert.throws(() => assertStatusChange(pult, order(), { to: 'lost' }, managers), ValidationError);
  // Then permission, before the order's state.
  assert.throws(
    () =>
      assertStatusChange(pult, order({ status: 'installation-scheduled' }), { to: 'complete' }, accounting),
    (e: unknown) =>
      e instanceof PermissionDeniedError && /^status: only managers, logistics, admins/.test(e.message),
  );
  assert.throws(
    () =>
      assertStatusChange(pult, order({ status: 'installation-scheduled' }), { to: 'complete' }, logistics),
    (e: unknown) =>
      e instanceof PreconditionError && /^payments: the order must be paid in full/.test(e.message),
  );
  assert.throws(
    () => assertStatusChange(pult, order(), { to: 'complete' }, admins),
    (e: unknown) =>
      e instanceof PreconditionError &&
      e.message.includes("no transition from 'new' to 'complete' on site 'pult'"),
  );
});
