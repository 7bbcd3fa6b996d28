import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { referenceDataSchema, type ReferenceDataInput } from '../reference-data/reference-data';
import { CASE_STUDY_RULES } from './case-study-rules';
import { lookupsFromReferenceData, parseRules, type RuleLookups } from './rules';

/** The violations of a rejected rule set as field -> reasons. */
function problems(input: unknown, lookups?: RuleLookups): Record<string, string[]> {
  try {
    parseRules(input, lookups);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    const out: Record<string, string[]> = {};
    for (const v of e.violations) (out[v.field] ??= []).push(v.reason);
    return out;
  }
  assert.fail('expected a ValidationError');
}

const ok = { code: 'r', site: '*', message: 'No.', effect: { deny: true } };

test('a valid rule set parses; active defaults to true and messages are trimmed', () => {
  const [rule] = parseRules([{ ...ok, message: '  No.  ', when: { status: ['new'] } }]);
  assert.deepEqual(rule, {
    code: 'r',
    site: '*',
    active: true,
    message: 'No.',
    when: { status: ['new'] },
    effect: { deny: true },
  });
  assert.equal(parseRules([{ ...ok, active: false }])[0].active, false);
  assert.deepEqual(parseRules([]), []);
  assert.equal(parseRules(JSON.parse(JSON.stringify(CASE_STUDY_RULES))).length, CASE_STUDY_RULES.length);
});

test('every kind of condition and effect is accepted in its documented form', () => {
  const rules = parseRules([
    {
      ...ok,
      when: {
        any: [
          { all: [{ not: { before: { statusGroup: ['complete'] } } }] },
          { fieldEquals: { path: 'customFields.x', value: null } },
          { fieldIn: { path: 'discount', values: [0, 100] } },
          { fieldEmpty: 'delivery' },
          { fieldSet: 'customer.email' },
          { customFieldEquals: { field: 'call-logged', value: true } },
          { paymentTypes: ['cash'] },
          { paymentBecame: { status: ['paid'] } },
          { contragentType: 'legal-entity' },
          { actorGroupsAnyOf: ['a'] },
          { actorGroupsNoneOf: ['b'] },
          { actorSource: ['manager', 'api'] },
          { changeKind: ['create', 'payment-delete'] },
          { fieldChanged: ['items', 'customFields.y'] },
          { totalChanged: true },
        ],
      },
    },
    { ...ok, code: 'b', effect: { require: ['delivery.address'] } },
    { ...ok, code: 'c', effect: { readOnly: { fields: ['delivery.date'] } } },
    { ...ok, code: 'd', effect: { readOnly: { fields: ['items'], except: ['purchasing'] } } },
    { ...ok, code: 'e', effect: { constrain: { field: 'discount', min: 0, max: 100_000 } } },
    { ...ok, code: 'f', effect: { constrain: { field: 'orderMethod', oneOf: ['cart'], equals: 'cart' } } },
  ]);
  assert.equal(rules.length, 6);
});

test('every problem is reported at once, with its path in the rule set', () => {
  const found = problems([
    ok,
    {
      code: 'Bad Code',
      site: 'Pult',
      message: '   ',
      when: { all: [{ status: ['new', 'Nope'] }, { statusGroup: [] }, { any: [] }] },
      effect: { deny: false },
    },
    { ...ok, code: 'r', when: { not: { fieldEquals: { path: 'delivery.when', value: 1 } } } },
    { ...ok, code: 'x', extra: 1, effect: { require: ['customFields.Call Logged', 'items'] } },
  ]);
  assert.deepEqual(Object.keys(found).sort(), [
    'rules[1].code',
    'rules[1].effect.deny',
    'rules[1].message',
    'rules[1].site',
    'rules[1].when.all[0].status[1]',
    'rules[1].when.all[1].statusGroup',
    'rules[1].when.all[2].any',
    'rules[2].code',
    'rules[2].when.not.fieldEquals.path',
    'rules[3]',
    'rules[3].effect.require[0]',
  ]);
  assert.deepEqual(found['rules[1].message'], ['is required']);
  assert.deepEqual(found['rules[2].code'], ['duplicate rule code "r"']);
  assert.deepEqual(found['rules[2].when.not.fieldEquals.path'], [
    '"delivery.when" is not a known order field',
  ]);
  assert.deepEqual(found['rules[3].effect.require[0]'], [
    '"customFields.Call Logged" is not a known order field',
  ]);
  assert.match(found['rules[3]'][0], /extra/);
});

test('rule codes are unique within a set', () => {
  assert.deepEqual(problems([ok, { ...ok, site: 'pult' }, { ...ok, code: 'b' }, { ...ok, code: 'b' }]), {
    'rules[1].code': ['duplicate rule code "r"'],
    'rules[3].code': ['duplicate rule code "b"'],
  });
});

test('a condition or effect has exactly one known key', () => {
  const found = problems([
    { ...ok, when: {} },
    { ...ok, code: 'b', when: { status: ['new'], statusGroup: ['new'] } },
    { ...ok, code: 'c', when: { statusIn: ['new'] } },
    { ...ok, code: 'd', effect: {} },
    { ...ok, code: 'e', when: 'always' },
    { ...ok, code: 'f', effect: { deny: true, require: ['status'] } },
  ]);
  assert.match(found['rules[0].when'][0], /^a condition needs one of: all, any, not, before, status/);
  assert.deepEqual(found['rules[1].when'], ['a condition has exactly one key, found status, statusGroup']);
  assert.match(found['rules[2].when'].join(), /statusIn/);
  assert.match(found['rules[3].effect'][0], /^an effect needs one of: deny, require, readOnly, constrain/);
  assert.ok(found['rules[4].when']);
  assert.deepEqual(found['rules[5].effect'], ['an effect has exactly one key, found deny, require']);
});

test('operations are checked against the kind of field', () => {
  const found = problems([
    { ...ok, when: { fieldEquals: { path: 'items', value: 1 } } },
    { ...ok, code: 'b', when: { fieldIn: { path: 'delivery', values: ['x'] } } },
    { ...ok, code: 'c', effect: { constrain: { field: 'orderType', max: 3 } } },
    { ...ok, code: 'd', effect: { constrain: { field: 'payments', oneOf: ['x'] } } },
    { ...ok, code: 'e', effect: { constrain: { field: 'discount' } } },
    { ...ok, code: 'f', when: { fieldEquals: { path: 'contragent.type', value: 'company' } } },
    { ...ok, code: 'g', when: { fieldIn: { path: 'status', values: [] } } },
    { ...ok, code: 'h', when: { totalChanged: false } },
  ]);
  assert.deepEqual(found['rules[0].when.fieldEquals.path'], [
    'equals does not apply to "items" (collection)',
  ]);
  assert.deepEqual(found['rules[1].when.fieldIn.path'], ['in does not apply to "delivery" (group)']);
  assert.deepEqual(found['rules[2].effect.constrain.field'], [
    'min and max apply to amounts and custom fields only',
  ]);
  assert.deepEqual(found['rules[3].effect.constrain.field'], [
    'a constraint does not apply to "payments" (collection)',
  ]);
  assert.deepEqual(found['rules[4].effect.constrain'], ['needs oneOf, equals, min or max']);
  assert.deepEqual(found['rules[5].when.fieldEquals.value'], ['must be one of individual, legal-entity']);
  assert.deepEqual(found['rules[6].when.fieldIn.values'], ['needs at least one value']);
  assert.ok(found['rules[7].when.totalChanged']);
});

test('the input must be a list of rules', () => {
  assert.ok(problems({ rules: [] })['rules']);
  assert.ok(problems([null])['rules[0]']);
});

const reference: ReferenceDataInput = {
  sites: [{ code: 'pult', name: 'Pult.ru', currency: 'RUB' }],
  statusGroups: [
    { code: 'new', name: 'New', kind: 'new' },
    { code: 'complete', name: 'Complete', kind: 'complete' },
  ],
  statuses: [
    { code: 'new', name: 'New', group: 'new' },
    { code: 'complete', name: 'Complete', group: 'complete' },
  ],
  transitions: [],
  userGroups: [{ code: 'managers', name: 'Managers' }],
  cancelReasons: [{ code: 'no-stock', name: 'No stock' }],
  orderTypes: [{ code: 'retail', name: 'Retail' }],
  orderMethods: [{ code: 'cart', name: 'Cart' }],
  paymentTypes: [{ code: 'cash', name: 'Cash' }],
  paymentStatuses: [{ code: 'paid', name: 'Paid', paid: true }],
  deliveryTypes: [{ code: 'courier', name: 'Courier' }],
  itemStatuses: [],
  customFields: [
    { code: 'call-logged', name: 'Call logged', entity: 'order', type: 'boolean' },
    { code: 'birthday', name: 'Birthday', entity: 'customer', type: 'date' },
  ],
};
const lookups = lookupsFromReferenceData(referenceDataSchema.parse(reference));

test('with reference data, every code a rule names must exist', () => {
  const valid = [
    {
      ...ok,
      site: 'pult',
      when: {
        all: [
          { status: ['new'] },
          { statusGroup: ['complete'] },
          { actorGroupsAnyOf: ['managers'] },
          { paymentTypes: ['cash'] },
          { paymentBecame: { status: ['paid'] } },
          { customFieldEquals: { field: 'call-logged', value: true } },
          { fieldIn: { path: 'orderType', values: ['retail'] } },
          { fieldEquals: { path: 'delivery.type', value: 'courier' } },
          { fieldEquals: { path: 'cancelReason', value: null } },
        ],
      },
      effect: { readOnly: { fields: ['customFields.call-logged'], except: ['managers'] } },
    },
  ];
  assert.equal(parseRules(valid, lookups).length, 1);

  const found = problems(
    [
      {
        ...ok,
        site: 'outlet',
        when: {
          all: [
            { status: ['reservation'] },
            { statusGroup: ['delivery'] },
            { actorGroupsNoneOf: ['purchasing'] },
            { paymentTypes: ['card-online'] },
            { paymentBecame: { status: ['credit-approved'] } },
            { customFieldEquals: { field: 'birthday', value: true } },
            { fieldIn: { path: 'orderType', values: ['retail', 'missed-call'] } },
            { fieldEquals: { path: 'status', value: 'gone' } },
            { fieldSet: 'customFields.nope' },
          ],
        },
        effect: { readOnly: { fields: ['delivery.date'], except: ['logistics'] } },
      },
      {
        ...ok,
        code: 'b',
        effect: { constrain: { field: 'orderMethod', oneOf: ['cart', 'telegram'], equals: 'sms' } },
      },
    ],
    lookups,
  );
  assert.deepEqual(found, {
    'rules[0].site': [`must be '*' or a site code: unknown site "outlet"`],
    'rules[0].when.all[0].status[0]': ['unknown status "reservation"'],
    'rules[0].when.all[1].statusGroup[0]': ['unknown status group "delivery"'],
    'rules[0].when.all[2].actorGroupsNoneOf[0]': ['unknown user group "purchasing"'],
    'rules[0].when.all[3].paymentTypes[0]': ['unknown payment type "card-online"'],
    'rules[0].when.all[4].paymentBecame.status[0]': ['unknown payment status "credit-approved"'],
    'rules[0].when.all[5].customFieldEquals.field': ['unknown order custom field "birthday"'],
    'rules[0].when.all[6].fieldIn.values[1]': ['unknown orderTypes code "missed-call"'],
    'rules[0].when.all[7].fieldEquals.value': ['unknown statuses code "gone"'],
    'rules[0].when.all[8].fieldSet': ['unknown order custom field "nope"'],
    'rules[0].effect.readOnly.except[0]': ['unknown user group "logistics"'],
    'rules[1].effect.constrain.oneOf[1]': ['unknown orderMethods code "telegram"'],
    'rules[1].effect.constrain.equals': ['unknown orderMethods code "sms"'],
  });
});

test('a malformed code is reported once, not also as unknown', () => {
  assert.deepEqual(problems([{ ...ok, when: { status: ['Нов'] } }], lookups), {
    'rules[0].when.status[0]': ['must be a code of lowercase letters, digits, - and _ (at most 64)'],
  });
});
