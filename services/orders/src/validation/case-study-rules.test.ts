import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASE_STUDY_RULES } from './case-study-rules';
import { compileRules, evaluate, type EvaluationContext } from './engine';
import { change, manager, order, payment, rub } from './order-fixture';
import { parseRules, type RuleLookups } from './rules';

const lookups: RuleLookups = {
  sites: ['pult'],
  statuses: ['new', 'reservation', 'handed-to-delivery', 'complete'],
  statusGroups: ['new', 'approval', 'assembling', 'delivery', 'complete', 'cancel'],
  userGroups: ['managers', 'purchasing', 'accounting', 'logistics', 'call-centre'],
  orderTypes: ['retail', 'missed-call', 'task'],
  paymentTypes: ['cash', 'card-online', 'card-on-delivery', 'bank-transfer'],
  paymentStatuses: ['not-paid', 'paid'],
  customFields: ['credit-application-sent', 'call-logged'],
};
const rules = compileRules(parseRules(CASE_STUDY_RULES, lookups));

/** The codes of the rules a change violates. */
function violated(ctx: EvaluationContext): string[] {
  return evaluate(rules, ctx).violations.map((v) => v.rule);
}

test('the case-study rules are valid rule data against the reference data they name', () => {
  assert.equal(parseRules(CASE_STUDY_RULES, lookups).length, 7);
});

test('1. a legal entity cannot pay by card', () => {
  const company = order({ contragent: { type: 'legal-entity', legalName: 'ООО Звук', inn: '7701234567' } });
  const byCard = { ...company, payments: [payment({ type: 'card-on-delivery' })] };
  assert.deepEqual(violated(change(company, byCard, { change: { kind: 'payment-add' } })), [
    'legal-entity-no-card',
  ]);
  assert.deepEqual(
    violated(change(undefined, { ...company, payments: [payment({ type: 'card-online' })] })),
    ['legal-entity-no-card'],
  );

  const byTransfer = { ...company, payments: [payment({ type: 'bank-transfer' })] };
  assert.deepEqual(violated(change(company, byTransfer, { change: { kind: 'payment-add' } })), []);
  const person = order({ payments: [payment({ type: 'card-online' })] });
  assert.deepEqual(violated(change(undefined, person)), []);
});

test('2. while in reservation only purchasing may change the order', () => {
  const reserved = order({ status: 'reservation' });
  const edited = { ...reserved, managerComment: 'звонил клиенту' };
  assert.deepEqual(violated(change(reserved, edited)), ['reservation-purchasing-only']);
  const movedOut = { ...reserved, status: 'new' };
  assert.deepEqual(violated(change(reserved, movedOut, { change: { kind: 'status-change' } })), [
    'reservation-purchasing-only',
  ]);

  const buyer = { groups: ['purchasing'], source: 'manager' as const };
  assert.deepEqual(violated(change(reserved, edited, { actor: buyer })), []);
  // Moving an order into reservation is the way in, not a change of a reserved order.
  const fresh = order();
  assert.deepEqual(
    violated(change(fresh, { ...fresh, status: 'reservation' }, { change: { kind: 'status-change' } })),
    [],
  );
});

test('3. only accounting may mark an order paid', () => {
  const unpaid = order({ payments: [payment()] });
  const paid = { ...unpaid, payments: [payment({ status: 'paid' })] };
  const edit = { change: { kind: 'payment-edit' as const } };
  assert.deepEqual(violated(change(unpaid, paid, edit)), ['only-accounting-marks-paid']);
  const added = { ...unpaid, payments: [payment(), payment({ id: 'p-2', status: 'paid' })] };
  assert.deepEqual(violated(change(unpaid, added, { change: { kind: 'payment-add' } })), [
    'only-accounting-marks-paid',
  ]);

  const accountant = { groups: ['accounting'], source: 'manager' as const };
  assert.deepEqual(violated(change(unpaid, paid, { ...edit, actor: accountant })), []);
  // Already paid before: editing its amount does not mark it paid again.
  const amended = { ...paid, payments: [payment({ status: 'paid', amount: rub(4_000_000) })] };
  assert.deepEqual(violated(change(paid, amended, edit)), []);
  // A storefront reporting an online payment it took.
  const storefront = { groups: [], source: 'integration' as const };
  assert.deepEqual(violated(change(undefined, paid, { actor: storefront })), []);
});

test('4. once a credit application was sent the order amount cannot change', () => {
  const sent = order({ customFields: { 'credit-application-sent': true } });
  const moreItems = { ...sent, items: sent.items.map((i) => ({ ...i, quantity: i.quantity + 1 })) };
  assert.deepEqual(violated(change(sent, moreItems)), ['credit-sent-amount-fixed']);
  assert.deepEqual(violated(change(sent, { ...sent, discount: rub(100) })), ['credit-sent-amount-fixed']);
  const dearerDelivery = { ...sent, delivery: { ...sent.delivery!, cost: rub(70_000) } };
  assert.deepEqual(violated(change(sent, dearerDelivery)), ['credit-sent-amount-fixed']);

  // Same amount: a comment, an item status, or the same total reached another way.
  assert.deepEqual(violated(change(sent, { ...sent, managerComment: 'ждём банк' })), []);
  const reshuffled = {
    ...sent,
    discount: rub(10_000),
    delivery: { ...sent.delivery!, cost: rub(60_000) },
  };
  assert.deepEqual(violated(change(sent, reshuffled)), []);
  const notSent = order();
  assert.deepEqual(violated(change(notSent, { ...notSent, discount: rub(100) })), []);
  // The edit that records the application may still settle the amount.
  const recording = { ...notSent, discount: rub(100), customFields: { 'credit-application-sent': true } };
  assert.deepEqual(violated(change(notSent, recording)), []);
});

test('5. a missed-call or task order cannot be completed without a logged call', () => {
  const missed = order({ orderType: 'missed-call', status: 'new' });
  const statusChange = { change: { kind: 'status-change' as const } };
  assert.deepEqual(violated(change(missed, { ...missed, status: 'complete' }, statusChange)), [
    'call-before-complete',
  ]);
  const notLogged = { ...missed, status: 'complete', customFields: { 'call-logged': false } };
  assert.deepEqual(violated(change(missed, notLogged, statusChange)), ['call-before-complete']);
  const task = order({ orderType: 'task' });
  assert.deepEqual(violated(change(task, { ...task, status: 'complete' }, statusChange)), [
    'call-before-complete',
  ]);

  const logged = { ...missed, status: 'complete', customFields: { 'call-logged': true } };
  assert.deepEqual(violated(change(missed, logged, statusChange)), []);
  const retail = order();
  assert.deepEqual(violated(change(retail, { ...retail, status: 'complete' }, statusChange)), []);
  // Already complete: moving between complete statuses is not closing it again.
  const closed = { ...missed, status: 'complete' };
  assert.deepEqual(violated(change(closed, { ...closed, status: 'complete-picked-up' }, statusChange)), []);
});

test('6. only logistics and managers may move the delivery date', () => {
  const dated = order({ delivery: { ...order().delivery!, date: '2026-01-15' } });
  const moved = { ...dated, delivery: { ...dated.delivery!, date: '2026-01-20' } };
  const operator = { groups: ['call-centre'], source: 'manager' as const };
  const result = evaluate(rules, change(dated, moved, { actor: operator }));
  assert.deepEqual(result.violations, [
    {
      rule: 'delivery-date-logistics',
      effect: 'readOnly',
      field: 'delivery.date',
      message: 'Only logistics and managers may move the delivery date.',
    },
  ]);
  const cleared = { ...dated, delivery: { ...dated.delivery!, date: undefined } };
  assert.deepEqual(violated(change(dated, cleared, { actor: operator })), ['delivery-date-logistics']);

  assert.deepEqual(violated(change(dated, moved, { actor: manager })), []);
  assert.deepEqual(
    violated(change(dated, moved, { actor: { groups: ['logistics'], source: 'manager' } })),
    [],
  );
  // Setting the first date is not moving it, and other fields stay open.
  const undated = order();
  assert.deepEqual(violated(change(undated, dated, { actor: operator })), []);
  assert.deepEqual(violated(change(dated, { ...dated, managerComment: 'ok' }, { actor: operator })), []);
});

test('7. handing an order to delivery requires a delivery type and address', () => {
  const bare = order({ status: 'handed-to-assembly', delivery: { cost: rub(0), netCost: rub(0) } });
  const handed = { ...bare, status: 'handed-to-delivery' };
  const result = evaluate(rules, change(bare, handed, { change: { kind: 'status-change' } }));
  assert.deepEqual(
    result.violations.map((v) => [v.rule, v.field]),
    [
      ['delivery-needs-address', 'delivery.address'],
      ['delivery-needs-address', 'delivery.type'],
    ],
  );
  const noDelivery = { ...handed, delivery: undefined };
  assert.equal(
    evaluate(rules, change(bare, noDelivery, { change: { kind: 'status-change' } })).violations.length,
    2,
  );

  const ready = order({ status: 'handed-to-assembly' });
  assert.deepEqual(
    violated(
      change(ready, { ...ready, status: 'handed-to-delivery' }, { change: { kind: 'status-change' } }),
    ),
    [],
  );
  // Editing an order already in delivery is not entering it.
  const inDelivery = { ...bare, status: 'handed-to-delivery' };
  assert.deepEqual(violated(change(inDelivery, { ...inDelivery, managerComment: 'x' })), []);
});

test('rules of other sites do not apply', () => {
  const company = order({ site: 'wholesale', contragent: { type: 'legal-entity' } });
  assert.deepEqual(
    violated(change(undefined, { ...company, payments: [payment({ type: 'card-online' })] })),
    [],
  );
});
