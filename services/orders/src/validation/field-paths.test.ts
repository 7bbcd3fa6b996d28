import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffChangedFields, fieldKind, isSet, pathTouches, sameValue } from './field-paths';
import { order, payment, rub } from './order-fixture';

const base = order();

test('no change, no changed fields; system fields are not reported', () => {
  assert.deepEqual(diffChangedFields(base, structuredClone(base)), []);
  const touched = { ...base, updatedAt: new Date(), statusUpdatedAt: new Date(), id: 'other' };
  assert.deepEqual(diffChangedFields(base, touched), []);
});

test('nested fields are reported by their leaf path', () => {
  const after = {
    ...base,
    status: 'reservation',
    customer: { ...base.customer, phones: ['+79160000000'] },
    contragent: { type: 'legal-entity' as const },
    delivery: { ...base.delivery!, date: '2026-01-20', cost: rub(1) },
    discount: rub(5),
    tags: ['vip'],
  };
  assert.deepEqual(diffChangedFields(base, after), [
    'status',
    'customer.phones',
    'contragent.type',
    'discount',
    'delivery.cost',
    'delivery.date',
    'tags',
  ]);
});

test('any difference inside items or payments reports the collection', () => {
  const qty = { ...base, items: [base.items[0], { ...base.items[1], quantity: 3 }] };
  assert.deepEqual(diffChangedFields(base, qty), ['items']);
  const reordered = { ...base, items: [base.items[1], base.items[0]] };
  assert.deepEqual(diffChangedFields(base, reordered), ['items']);
  const paid = order({ payments: [payment()] });
  const paidAt = { ...paid, payments: [payment({ paidAt: new Date('2026-01-11T00:00:00Z') })] };
  assert.deepEqual(diffChangedFields(paid, paidAt), ['payments']);
  const samePaidAt = { ...paidAt, payments: [payment({ paidAt: new Date('2026-01-11T00:00:00Z') })] };
  assert.deepEqual(diffChangedFields(paidAt, samePaidAt), [], 'dates compare by instant');
  assert.deepEqual(diffChangedFields(paid, base), ['payments']);
});

test('removing delivery reports each field it had; custom fields by code, null equal to missing', () => {
  assert.deepEqual(diffChangedFields(base, { ...base, delivery: undefined }), [
    'delivery.type',
    'delivery.address',
    'delivery.cost',
    'delivery.netCost',
  ]);
  const before = order({ customFields: { a: 1, b: true, c: null } });
  const after = order({ customFields: { a: 2, d: 'x' } });
  assert.deepEqual(diffChangedFields(before, after), ['customFields.a', 'customFields.b', 'customFields.d']);
});

test('a new order reports every set field', () => {
  const created = diffChangedFields(undefined, order({ customFields: { x: false, y: null } }));
  assert.ok(created.includes('status'));
  assert.ok(created.includes('delivery.address'));
  assert.ok(created.includes('items'));
  assert.ok(created.includes('customFields.x'));
  assert.ok(!created.includes('customFields.y'));
  assert.ok(!created.includes('payments'), 'no payments yet');
  assert.ok(!created.includes('delivery.date'));
});

test('field kinds: known paths and customFields.<code> only', () => {
  assert.equal(fieldKind('delivery.date'), 'text');
  assert.equal(fieldKind('delivery.cost'), 'money');
  assert.equal(fieldKind('tags'), 'list');
  assert.equal(fieldKind('payments'), 'collection');
  assert.equal(fieldKind('delivery'), 'group');
  assert.equal(fieldKind('customFields.call-logged'), 'custom');
  for (const unknown of [
    'id',
    'createdAt',
    'delivery.foo',
    'customFields.',
    'customFields.Bad',
    'constructor',
    'toString',
  ]) {
    assert.equal(fieldKind(unknown), undefined, unknown);
  }
});

test('isSet, pathTouches and sameValue', () => {
  assert.deepEqual([undefined, null, '', '  ', []].map(isSet), [false, false, false, false, false]);
  assert.deepEqual([0, false, 'x', ['a'], rub(0)].map(isSet), [true, true, true, true, true]);
  assert.equal(pathTouches('delivery', 'delivery.date'), true);
  assert.equal(pathTouches('delivery.date', 'delivery'), true);
  assert.equal(pathTouches('delivery.date', 'delivery.date'), true);
  assert.equal(pathTouches('delivery', 'deliveryX'), false);
  assert.equal(pathTouches('customFields.a', 'customFields.ab'), false);
  assert.equal(sameValue({ a: 1, b: undefined }, { a: 1 }), true);
  assert.equal(sameValue([1, 2], [1, 2, 3]), false);
  assert.equal(sameValue(new Date(0), 0), false);
  assert.equal(sameValue('1', 1), false);
  assert.equal(sameValue({ a: [1] }, { a: 1 }), false);
});
