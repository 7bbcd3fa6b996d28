import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { demoPult } from './demo-pult';
import { parseReferenceData, type ReferenceDataInput } from './reference-data';

/** The violations of the demo data after an edit, as { field: reason }. */
function violationsAfter(edit: (data: ReferenceDataInput) => void): Record<string, string> {
  const data = structuredClone(demoPult);
  edit(data);
  return violationsOf(data);
}

function violationsOf(input: unknown): Record<string, string> {
  try {
    parseReferenceData(input);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    const out: Record<string, string> = {};
    for (const v of e.violations) {
      assert.equal(out[v.field], undefined, `two violations on ${v.field}`);
      out[v.field] = v.reason;
    }
    return out;
  }
  assert.fail('expected a ValidationError');
}

test('reference data must be an object', () => {
  for (const input of [null, 'x', [], 42]) {
    assert.deepEqual(violationsOf(input), { '(reference data)': 'must be an object' });
  }
});

test('schema problems name the dictionary, the entry and the field', () => {
  const v = violationsAfter((d) => {
    d.cancelReasons[2].code = 'Долго';
    d.statuses[0].timeLimitMinutes = 0;
    d.sites[0].currency = 'rub';
    d.customFields.push({ code: 'size', name: 'Размер', entity: 'order', type: 'dictionary' });
    delete (d as Partial<ReferenceDataInput>).orderTypes;
  });
  assert.match(v['cancelReasons[2].code'], /lowercase letters/);
  assert.match(v['statuses[0].timeLimitMinutes'], /\S/);
  assert.match(v['sites[0].currency'], /ISO 4217/);
  assert.match(v['customFields[7].values'], /at least one value/);
  assert.ok(v.orderTypes, 'a missing dictionary is reported');
  assert.equal(Object.keys(v).length, 5);
});

test('a dictionary with a schema problem does not hide the cross-reference problems of the others', () => {
  const v = violationsAfter((d) => {
    d.userGroups[0].name = '';
    d.statuses[3].group = 'foo';
  });
  assert.deepEqual(Object.keys(v).sort(), ['statuses[3].group', 'userGroups[0].name']);
  assert.equal(v['statuses[3].group'], "unknown status group 'foo'");
});

test('references into a dictionary that failed its schema are not reported again', () => {
  const v = violationsAfter((d) => {
    d.statusGroups[0].kind = 'first' as 'new';
  });
  assert.deepEqual(Object.keys(v), ['statusGroups[0].kind']);
});

test('codes are unique within each dictionary', () => {
  const v = violationsAfter((d) => {
    d.statuses.push({ ...d.statuses[0] });
    d.cancelReasons.push({ code: 'other', name: 'Прочее' });
    d.sites.push({ code: 'pult', name: 'Ещё один', currency: 'RUB' });
    d.paymentStatuses.push({ code: 'paid', name: 'Оплачен картой', paid: true });
    d.orderMethods.push({ code: 'cart', name: 'Корзина 2' });
  });
  assert.equal(v[`statuses[${demoPult.statuses.length}].code`], "duplicate code 'new' (also statuses[0])");
  assert.equal(v['cancelReasons[28].code'], "duplicate code 'other' (also cancelReasons[27])");
  assert.equal(v['sites[2].code'], "duplicate code 'pult' (also sites[0])");
  assert.match(v['paymentStatuses[8].code'], /duplicate code 'paid'/);
  assert.match(v['orderMethods[6].code'], /duplicate code 'cart'/);
  assert.equal(Object.keys(v).length, 5);
});

test('the same code may name an order field and a customer field, but not two fields of one card', () => {
  const v = violationsAfter((d) => {
    d.customFields.push({
      code: 'preferred-time',
      name: 'Удобное время',
      entity: 'customer',
      type: 'string',
    });
    d.customFields.push({ code: 'call-logged', name: 'Звонок', entity: 'order', type: 'boolean' });
  });
  assert.deepEqual(v, {
    'customFields[8].code': "duplicate order field code 'call-logged' (also customFields[1])",
  });
});

test('a status belongs to an existing group', () => {
  const v = violationsAfter((d) => {
    d.statuses[3].group = 'foo';
  });
  assert.deepEqual(v, { 'statuses[3].group': "unknown status group 'foo'" });
});

test('each of the new, complete and cancel groups must exist', () => {
  for (const kind of ['new', 'complete', 'cancel'] as const) {
    const v = violationsAfter((d) => {
      const group = d.statusGroups.find((g) => g.kind === kind);
      assert.ok(group);
      group.kind = 'custom';
    });
    assert.equal(v.statusGroups, `a group of kind '${kind}' is required`, kind);
  }
});

test('a fixed group kind appears once; custom groups are unlimited', () => {
  const v = violationsAfter((d) => {
    d.statusGroups.push({ code: 'cancel-2', name: 'Отменён 2', kind: 'cancel' });
    d.statusGroups.push({ code: 'showroom', name: 'Шоурум', kind: 'custom' });
  });
  assert.deepEqual(v, {
    'statusGroups[7].kind': "only one group of kind 'cancel' is allowed (also statusGroups[6])",
  });
});

test('new orders need an active status in the new group', () => {
  const v = violationsAfter((d) => {
    d.statuses[0].active = false;
  });
  assert.deepEqual(v, { statuses: "the new group 'new' needs an active status: new orders start there" });
});

test('a final status has no time limit: nothing about a finished order can be late', () => {
  const complete = demoPult.statuses.findIndex((s) => s.code === 'complete');
  const v = violationsAfter((d) => {
    d.statuses[complete].timeLimitMinutes = 60;
  });
  assert.deepEqual(v, {
    [`statuses[${complete}].timeLimitMinutes`]:
      "a status of the final group 'complete' cannot have a time limit",
  });
});

test('transitions refer to existing sites, statuses and user groups', () => {
  const v = violationsAfter((d) => {
    d.transitions.push({
      site: 'pult-spb',
      from: 'neww',
      to: 'complete-x',
      userGroups: ['managers', 'bosses'],
    });
  });
  const t = `transitions[${demoPult.transitions.length}]`;
  assert.deepEqual(v, {
    [`${t}.site`]: "unknown site 'pult-spb'",
    [`${t}.from`]: "unknown status 'neww'",
    [`${t}.to`]: "unknown status 'complete-x'",
    [`${t}.userGroups[1]`]: "unknown user group 'bosses'",
  });
});

test('no transition from a status to itself, none twice, no empty restriction', () => {
  const v = violationsAfter((d) => {
    d.transitions.push({ site: 'pult', from: 'new', to: 'new' });
    d.transitions.push({ site: 'pult', from: 'new', to: 'availability-check' });
    d.transitions.push({ site: 'pult', from: 'agreed', to: 'awaiting-supply', userGroups: [] });
  });
  const n = demoPult.transitions.length;
  assert.deepEqual(v, {
    [`transitions[${n}].to`]: 'a transition cannot lead from a status to itself',
    [`transitions[${n + 1}]`]:
      "duplicate transition from 'new' to 'availability-check' on site 'pult' (also transitions[0])",
    [`transitions[${n + 2}].userGroups`]:
      'must name at least one user group; omit it to let everyone make the transition',
  });
});

test('values belong to dictionary fields only, each once', () => {
  const v = violationsAfter((d) => {
    d.customFields[0].values = ['yes'];
    d.customFields[5].values = ['vinyl', 'hi-fi', 'vinyl'];
  });
  assert.deepEqual(v, {
    'customFields[0].values': 'only a dictionary field has values',
    'customFields[5].values[2]': "duplicate value 'vinyl' (also customFields[5].values[0])",
  });
});

test("a site requiring 'paid' needs a payment status that counts as paid", () => {
  const v = violationsAfter((d) => {
    for (const s of d.paymentStatuses) s.paid = false;
  });
  assert.deepEqual(v, {
    'sites[0].completeRequires': "requires 'paid' but no payment status is marked paid",
  });
});

test('combined orders go to an existing status of the cancel group, with a known cancel reason', () => {
  const v = violationsAfter((d) => {
    d.sites[0].combinedOrders = { status: 'agreed', cancelReason: 'merged' };
    d.sites[1].combinedOrders = { status: 'gone', cancelReason: 'duplicate' };
  });
  assert.deepEqual(v, {
    'sites[0].combinedOrders.status':
      "'agreed' is not a status of the cancel group: a combined order is cancelled",
    'sites[0].combinedOrders.cancelReason': "unknown cancel reason 'merged'",
    'sites[1].combinedOrders.status': "unknown status 'gone'",
  });
});

test('every problem is reported at once, in one ValidationError', () => {
  const data = structuredClone(demoPult);
  data.statuses[3].group = 'foo';
  data.transitions[0].userGroups = ['nobody'];
  data.cancelReasons.push({ code: 'other', name: 'Другое 2' });
  data.customFields[0].values = ['x'];
  assert.throws(
    () => parseReferenceData(data),
    (e: unknown) =>
      e instanceof ValidationError && e.violations.length === 4 && /statuses\[3\]\.group/.test(e.message),
  );
});
