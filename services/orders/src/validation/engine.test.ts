import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PreconditionError, ValidationError } from '@openretail/contracts';
import { assertValid, compileRules, evaluate, type EvaluationContext } from './engine';
import { change, order, payment, rub } from './order-fixture';
import { parseRules, type Condition, type Effect, type RuleInput } from './rules';

const base = order();

function rule(over: Partial<RuleInput> = {}): RuleInput {
  return { code: 'r', site: '*', message: 'refused', effect: { deny: true }, ...over };
}

/** Whether a deny rule with this condition fires on the change. */
function holds(when: Condition, ctx: EvaluationContext): boolean {
  return !evaluate(compileRules(parseRules([rule({ when })])), ctx).ok;
}

function violations(effect: Effect, ctx: EvaluationContext, when?: Condition) {
  return evaluate(compileRules(parseRules([rule({ effect, when })])), ctx).violations;
}

test('status and status group look at the order after the change', () => {
  const reserved = { ...base, status: 'reservation' };
  const ctx = change(base, reserved);
  assert.equal(holds({ status: ['reservation', 'complete'] }, ctx), true);
  assert.equal(holds({ status: ['new'] }, ctx), false);
  assert.equal(holds({ statusGroup: ['approval'] }, ctx), true);
  assert.equal(holds({ statusGroup: ['new'] }, ctx), false);
  // A status the lookup does not know belongs to no group.
  assert.equal(holds({ statusGroup: ['new'] }, change(base, { ...base, status: 'legacy-status' })), false);
});

test('before looks at the order before the change and is false when creating', () => {
  const reserved = { ...base, status: 'reservation' };
  assert.equal(holds({ before: { status: ['new'] } }, change(base, reserved)), true);
  assert.equal(holds({ before: { status: ['reservation'] } }, change(base, reserved)), false);
  assert.equal(holds({ before: { status: ['new'] } }, change(undefined, base)), false);
  assert.equal(holds({ not: { before: { status: ['new'] } } }, change(undefined, base)), true);
  // Conditions about the change itself read the same inside before.
  assert.equal(holds({ before: { changeKind: ['edit'] } }, change(base, reserved)), true);
});

test('all, any and not compose', () => {
  const ctx = change(base, base);
  const yes: Condition = { status: ['new'] };
  const no: Condition = { status: ['complete'] };
  assert.equal(holds({ all: [yes, yes] }, ctx), true);
  assert.equal(holds({ all: [yes, no] }, ctx), false);
  assert.equal(holds({ any: [no, yes] }, ctx), true);
  assert.equal(holds({ any: [no, no] }, ctx), false);
  assert.equal(holds({ not: no }, ctx), true);
  assert.equal(holds({ not: { all: [yes, { not: no }] } }, ctx), false);
});

test('fieldEquals and fieldIn compare text, amounts, list elements and custom fields', () => {
  const o = order({
    orderMethod: 'one-click',
    tags: ['vip', 'vinyl'],
    discount: rub(150_000),
    customFields: { 'install-days': 3, 'call-logged': true },
  });
  const ctx = change(undefined, o);
  assert.equal(holds({ fieldEquals: { path: 'orderMethod', value: 'one-click' } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'orderMethod', value: 'cart' } }, ctx), false);
  assert.equal(holds({ fieldEquals: { path: 'contragent.type', value: 'individual' } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'delivery.type', value: 'courier' } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'discount', value: 150_000 } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'tags', value: 'vip' } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'customFields.install-days', value: 3 } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'customFields.install-days', value: '3' } }, ctx), false);
  assert.equal(holds({ fieldIn: { path: 'orderMethod', values: ['cart', 'one-click'] } }, ctx), true);
  assert.equal(holds({ fieldIn: { path: 'tags', values: ['sale', 'vinyl'] } }, ctx), true);
  assert.equal(holds({ fieldIn: { path: 'tags', values: ['sale'] } }, ctx), false);
  assert.equal(holds({ fieldIn: { path: 'delivery.cost', values: [50_000] } }, ctx), true);
  // null stands for "empty": an absent field equals it.
  assert.equal(holds({ fieldEquals: { path: 'cancelReason', value: null } }, ctx), true);
  assert.equal(holds({ fieldEquals: { path: 'orderMethod', value: null } }, ctx), false);
  assert.equal(
    holds(
      { fieldEquals: { path: 'delivery.cost', value: 0 } },
      change(undefined, { ...o, delivery: undefined }),
    ),
    false,
  );
});

test('customFieldEquals reads one custom field; a missing field equals only null', () => {
  const ctx = change(undefined, order({ customFields: { 'call-logged': true, note: null } }));
  assert.equal(holds({ customFieldEquals: { field: 'call-logged', value: true } }, ctx), true);
  assert.equal(holds({ customFieldEquals: { field: 'call-logged', value: false } }, ctx), false);
  assert.equal(holds({ customFieldEquals: { field: 'missing', value: false } }, ctx), false);
  assert.equal(holds({ customFieldEquals: { field: 'missing', value: null } }, ctx), true);
  assert.equal(holds({ customFieldEquals: { field: 'note', value: null } }, ctx), true);
});

test('fieldEmpty and fieldSet treat blank strings, empty lists and missing groups as empty', () => {
  const o = order({ managerComment: '   ', tags: [], customFields: { flag: false } });
  const ctx = change(undefined, o);
  assert.equal(holds({ fieldEmpty: 'managerComment' }, ctx), true);
  assert.equal(holds({ fieldEmpty: 'tags' }, ctx), true);
  assert.equal(holds({ fieldEmpty: 'payments' }, ctx), true);
  assert.equal(holds({ fieldSet: 'items' }, ctx), true);
  assert.equal(holds({ fieldSet: 'delivery' }, ctx), true);
  assert.equal(holds({ fieldEmpty: 'delivery.date' }, ctx), true);
  assert.equal(holds({ fieldSet: 'customFields.flag' }, ctx), true, 'false is a value');
  assert.equal(holds({ fieldSet: 'customFields.other' }, ctx), false);
  const noDelivery = change(undefined, { ...o, delivery: undefined });
  assert.equal(holds({ fieldEmpty: 'delivery' }, noDelivery), true);
  assert.equal(holds({ fieldEmpty: 'delivery.address' }, noDelivery), true);
});

test('payment types, contragent type, actor groups and source', () => {
  const o = order({ payments: [payment({ type: 'cash' }), payment({ id: 'p-2', type: 'credit' })] });
  const ctx = change(undefined, o, { actor: { groups: ['managers', 'moscow'], source: 'api' } });
  assert.equal(holds({ paymentTypes: ['credit', 'instalments'] }, ctx), true);
  assert.equal(holds({ paymentTypes: ['card-online'] }, ctx), false);
  assert.equal(holds({ paymentTypes: ['cash'] }, change(undefined, base)), false);
  assert.equal(holds({ contragentType: 'individual' }, ctx), true);
  assert.equal(holds({ contragentType: 'legal-entity' }, ctx), false);
  assert.equal(holds({ actorGroupsAnyOf: ['spb', 'moscow'] }, ctx), true);
  assert.equal(holds({ actorGroupsAnyOf: ['spb'] }, ctx), false);
  assert.equal(holds({ actorGroupsNoneOf: ['spb'] }, ctx), true);
  assert.equal(holds({ actorGroupsNoneOf: ['spb', 'managers'] }, ctx), false);
  assert.equal(holds({ actorSource: ['api', 'import'] }, ctx), true);
  assert.equal(holds({ actorSource: ['manager'] }, ctx), false);
  // An actor in no group is in none of any list.
  assert.equal(
    holds(
      { actorGroupsNoneOf: ['managers'] },
      change(undefined, o, { actor: { groups: [], source: 'trigger' } }),
    ),
    true,
  );
});

test('paymentBecame matches payments by id, new payments included', () => {
  const unpaid = order({ payments: [payment(), payment({ id: 'p-2', status: 'paid' })] });
  const became: Condition = { paymentBecame: { status: ['paid', 'credit-approved'] } };
  const first = { ...unpaid, payments: [payment({ status: 'credit-approved' }), unpaid.payments[1]] };
  assert.equal(holds(became, change(unpaid, first)), true);
  assert.equal(holds(became, change(unpaid, unpaid)), false);
  // paid -> credit-approved stays within the set: nothing became paid.
  const moved = {
    ...unpaid,
    payments: [unpaid.payments[0], payment({ id: 'p-2', status: 'credit-approved' })],
  };
  assert.equal(holds(became, change(unpaid, moved)), false);
  const added = { ...unpaid, payments: [...unpaid.payments, payment({ id: 'p-3', status: 'paid' })] };
  assert.equal(holds(became, change(unpaid, added)), true);
  assert.equal(holds(became, change(undefined, unpaid)), true, 'a new order with a paid payment');
  const deleted = { ...unpaid, payments: [unpaid.payments[0]] };
  assert.equal(holds(became, change(unpaid, deleted)), false);
});

test('changeKind and fieldChanged look at the change', () => {
  const moved = { ...base, delivery: { ...base.delivery!, date: '2026-02-01' }, customFields: { x: 1 } };
  const ctx = change(base, moved, { change: { kind: 'edit' } });
  assert.equal(holds({ changeKind: ['edit', 'status-change'] }, ctx), true);
  assert.equal(holds({ changeKind: ['create'] }, ctx), false);
  assert.equal(holds({ changeKind: ['create'] }, change(undefined, base)), true);
  assert.equal(holds({ fieldChanged: ['delivery.date'] }, ctx), true);
  assert.equal(holds({ fieldChanged: ['delivery'] }, ctx), true, 'a group covers its fields');
  assert.equal(holds({ fieldChanged: ['customFields'] }, ctx), true);
  assert.equal(holds({ fieldChanged: ['customFields.x'] }, ctx), true);
  assert.equal(holds({ fieldChanged: ['customFields.y', 'status'] }, ctx), false);
  assert.equal(holds({ fieldChanged: ['delivery.address'] }, ctx), false);
});

test('changed fields given by the caller are used as they are', () => {
  const given = change(base, base, { change: { kind: 'edit', changedFields: ['delivery'] } });
  // A coarse path covers the fields under it.
  assert.equal(holds({ fieldChanged: ['delivery.date'] }, given), true);
  assert.equal(holds({ fieldChanged: ['items'] }, given), false);
});

test('totalChanged compares items less discounts plus delivery, and is false when creating', () => {
  assert.equal(holds({ totalChanged: true }, change(base, { ...base, managerComment: 'x' })), false);
  assert.equal(holds({ totalChanged: true }, change(undefined, base)), false);
  const discounted = { ...base, items: [base.items[0], { ...base.items[1], discount: rub(20_000) }] };
  assert.equal(holds({ totalChanged: true }, change(base, discounted)), true);
  const priced = { ...base, items: [{ ...base.items[0], unitPrice: rub(4_999_001) }, base.items[1]] };
  assert.equal(holds({ totalChanged: true }, change(base, priced)), true);
  assert.equal(holds({ totalChanged: true }, change(base, { ...base, delivery: undefined })), true);
  const renamed = {
    ...base,
    items: [{ ...base.items[0], name: 'Усилитель Hi-Fi', status: 'reserved' }, base.items[1]],
  };
  assert.equal(holds({ totalChanged: true }, change(base, renamed)), false);
});

test('require reports every missing field of the order after the change', () => {
  const o = order({ delivery: { cost: rub(0), netCost: rub(0), type: 'pickup' }, customer: { phones: [] } });
  const found = violations(
    { require: ['delivery.address', 'delivery.type', 'customer.phones', 'customFields.inn'] },
    change(undefined, o),
  );
  assert.deepEqual(
    found.map((v) => [v.effect, v.field, v.message]),
    [
      ['require', 'delivery.address', 'refused'],
      ['require', 'customer.phones', 'refused'],
      ['require', 'customFields.inn', 'refused'],
    ],
  );
  assert.deepEqual(violations({ require: ['items', 'delivery'] }, change(undefined, o)), []);
});

test('readOnly refuses changes of the listed fields unless the actor is excepted; never on create', () => {
  const moved = { ...base, delivery: { ...base.delivery!, address: 'СПб', cost: rub(1) }, tags: ['x'] };
  const effect: Effect = { readOnly: { fields: ['delivery', 'tags', 'status'], except: ['logistics'] } };
  assert.deepEqual(
    violations(effect, change(base, moved)).map((v) => [v.effect, v.field]),
    [
      ['readOnly', 'delivery'],
      ['readOnly', 'tags'],
    ],
  );
  assert.deepEqual(
    violations(effect, change(base, moved, { actor: { groups: ['logistics'], source: 'manager' } })),
    [],
  );
  assert.deepEqual(violations(effect, change(undefined, moved)), []);
  assert.deepEqual(
    violations({ readOnly: { fields: ['items'] } }, change(base, { ...base, managerComment: 'x' })),
    [],
  );
});

test('constrain checks set values: oneOf, equals, min and max (amounts in minor units)', () => {
  const o = order({
    orderMethod: 'phone',
    discount: rub(600_000),
    tags: ['vip', 'sale'],
    customFields: { pct: 15 },
  });
  const ctx = change(undefined, o);
  const fails = (constrain: Parameters<typeof violations>[0]) => violations(constrain, ctx).length > 0;
  assert.equal(fails({ constrain: { field: 'orderMethod', oneOf: ['cart', 'phone'] } }), false);
  assert.equal(fails({ constrain: { field: 'orderMethod', oneOf: ['cart'] } }), true);
  assert.equal(fails({ constrain: { field: 'orderMethod', equals: 'phone' } }), false);
  assert.equal(fails({ constrain: { field: 'orderMethod', equals: 'cart' } }), true);
  assert.equal(fails({ constrain: { field: 'discount', max: 600_000 } }), false);
  assert.equal(fails({ constrain: { field: 'discount', max: 599_999 } }), true);
  assert.equal(fails({ constrain: { field: 'discount', min: 700_000 } }), true);
  assert.equal(fails({ constrain: { field: 'customFields.pct', min: 0, max: 12 } }), true);
  assert.equal(fails({ constrain: { field: 'customFields.pct', max: 20 } }), false);
  assert.equal(
    fails({ constrain: { field: 'tags', oneOf: ['vip', 'sale', 'vinyl'] } }),
    false,
    'every element',
  );
  assert.equal(fails({ constrain: { field: 'tags', oneOf: ['vip'] } }), true);
  // An empty field satisfies any constraint; require demands presence.
  assert.equal(fails({ constrain: { field: 'cancelReason', oneOf: ['no-stock'] } }), false);
  const text = change(undefined, order({ customFields: { pct: 'fifteen' } }));
  assert.equal(
    violations({ constrain: { field: 'customFields.pct', max: 20 } }, text).length,
    1,
    'not a number',
  );
  const [v] = violations({ constrain: { field: 'discount', max: 1 } }, ctx);
  assert.deepEqual(v, { rule: 'r', effect: 'constrain', field: 'discount', message: 'refused' });
});

test('every rule is evaluated and every violation reported, in rule order', () => {
  const rules = compileRules(
    parseRules([
      rule({ code: 'a', message: 'A' }),
      rule({ code: 'b', message: 'B', when: { status: ['complete'] } }),
      rule({ code: 'c', message: 'C', effect: { require: ['delivery.date', 'delivery.pickupPoint'] } }),
      rule({ code: 'd', message: 'D', when: { changeKind: ['create'] } }),
    ]),
  );
  const result = evaluate(rules, change(undefined, base));
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.violations.map((v) => v.rule + (v.field ? `:${v.field}` : '')),
    ['a', 'c:delivery.date', 'c:delivery.pickupPoint', 'd'],
  );
});

test('only active rules of the order site and of every site apply', () => {
  const rules = compileRules(
    parseRules([
      rule({ code: 'all-sites' }),
      rule({ code: 'pult', site: 'pult' }),
      rule({ code: 'wholesale', site: 'wholesale' }),
      rule({ code: 'off', site: 'pult', active: false }),
    ]),
  );
  const codes = (site: string) =>
    evaluate(rules, change(undefined, order({ site }))).violations.map((v) => v.rule);
  assert.deepEqual(codes('pult'), ['all-sites', 'pult']);
  assert.deepEqual(codes('wholesale'), ['all-sites', 'wholesale']);
  assert.deepEqual(codes('outlet'), ['all-sites']);
  assert.deepEqual(evaluate(compileRules([]), change(undefined, base)), { ok: true, violations: [] });
});

test('assertValid: nothing on success, ValidationError for field rules, PreconditionError once anything denies', () => {
  assert.doesNotThrow(() => assertValid({ ok: true, violations: [] }));

  const fieldRules = compileRules(
    parseRules([
      rule({ code: 'addr', message: 'Address needed', effect: { require: ['delivery.date'] } }),
      rule({
        code: 'disc',
        message: 'Discount too high',
        effect: { constrain: { field: 'discount', max: 0 } },
      }),
    ]),
  );
  const discounted = order({ discount: rub(1) });
  assert.throws(
    () => assertValid(evaluate(fieldRules, change(undefined, discounted))),
    (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.violations, [
        { field: 'delivery.date', reason: 'Address needed' },
        { field: 'discount', reason: 'Discount too high' },
      ]);
      return true;
    },
  );

  const denyToo = compileRules(
    parseRules([
      rule({ code: 'no', message: 'Closed orders are frozen' }),
      rule({ code: 'addr', message: 'Address needed', effect: { require: ['delivery.date'] } }),
      rule({ code: 'no-again', message: 'Closed orders are frozen' }),
    ]),
  );
  assert.throws(() => assertValid(evaluate(denyToo, change(undefined, base))), {
    name: 'PreconditionError',
    message: 'Closed orders are frozen; delivery.date: Address needed',
  });
  assert.throws(() => assertValid(evaluate(denyToo, change(undefined, base))), PreconditionError);
});

test('a compiled set of 44 rules evaluates quickly', () => {
  const many: RuleInput[] = Array.from({ length: 44 }, (_, i) =>
    rule({
      code: `rule-${i}`,
      when: {
        all: [
          { statusGroup: ['complete', 'delivery'] },
          { fieldChanged: ['delivery.date', 'items'] },
          { any: [{ actorGroupsNoneOf: ['managers'] }, { paymentBecame: { status: ['paid'] } }] },
        ],
      },
      effect: i % 2 ? { deny: true } : { readOnly: { fields: ['payments'] } },
    }),
  );
  const rules = compileRules(parseRules(many));
  const after = { ...base, status: 'handed-to-delivery', items: [base.items[0]] };
  const ctx = change(base, after);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 2_000; i++) evaluate(rules, { ...ctx, change: { kind: 'edit' } });
  const perEvaluationMs = Number(process.hrtime.bigint() - started) / 1e6 / 2_000;
  // Generous bound for a shared CI machine; locally it is a few microseconds.
  assert.ok(perEvaluationMs < 1, `took ${perEvaluationMs} ms per evaluation`);
});
