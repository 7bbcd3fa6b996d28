import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoPult } from './demo-pult';
import { pult } from './fixtures';
import { parseReferenceData, ReferenceData } from './reference-data';

test('the Pult.ru demo parses, with its 28 cancel reasons', () => {
  const ref = parseReferenceData(demoPult);
  assert.ok(ref instanceof ReferenceData);
  assert.equal(ref.data.cancelReasons.length, 28);
  assert.ok(ref.data.cancelReasons.every((r) => r.active));
  assert.deepEqual(
    ref.data.sites.map((s) => s.code),
    ['pult', 'pult-opt'],
  );
});

test('the demo covers the dictionaries the shop relies on', () => {
  assert.equal(pult.site('pult')?.orderNumberFormat, '{n}A');
  assert.equal(pult.site('pult')?.currency, 'RUB');
  for (const code of ['main', 'installation', 'listening-room']) assert.ok(pult.orderType(code), code);
  for (const code of ['cart', 'one-click', 'phone', 'messenger', 'offline', 'api'])
    assert.ok(pult.orderMethod(code), code);
  for (const code of ['cash', 'card-on-delivery', 'card-online', 'bank-transfer', 'installments', 'credit']) {
    assert.ok(pult.paymentType(code), code);
  }
  for (const code of ['courier', 'pickup', 'cdek', 'pickpoint', 'dpd', 'russian-post'])
    assert.ok(pult.deliveryType(code), code);
  for (const code of ['reserved', 'out-of-stock', 'awaiting-supply', 'in-stock'])
    assert.ok(pult.itemStatus(code), code);
  for (const code of ['managers', 'purchasing', 'accounting', 'logistics', 'call-centre', 'admins']) {
    assert.ok(pult.userGroup(code), code);
  }
  assert.equal(pult.customField('order', 'credit-application-sent')?.type, 'boolean');
  assert.equal(pult.customField('order', 'call-logged')?.type, 'boolean');
  assert.equal(pult.customField('order', 'preferred-time')?.type, 'string');
  assert.equal(pult.customField('customer', 'credit-application-sent'), undefined);
  assert.equal(
    pult.data.paymentStatuses
      .filter((p) => p.paid)
      .map((p) => p.code)
      .join(),
    'paid',
  );
});

test('every group holds statuses and every status but the legacy one is active', () => {
  for (const group of pult.data.statusGroups) assert.ok(pult.statusesOf(group.code).length > 0, group.code);
  assert.deepEqual(
    pult.data.statuses.filter((s) => !s.active).map((s) => s.code),
    ['in-progress'],
  );
  assert.equal(pult.status('new')?.timeLimitMinutes, 15);
});

test('lookups by code; unknown codes give undefined', () => {
  assert.equal(pult.status('ready-for-pickup')?.name, 'Готов к выдаче');
  assert.equal(pult.status('nope'), undefined);
  assert.equal(pult.site('nope'), undefined);
  assert.equal(pult.statusGroup('supply')?.kind, 'custom');
  assert.equal(pult.groupOf('awaiting-supply')?.code, 'supply');
  assert.equal(pult.groupOf('nope'), undefined);
  assert.equal(pult.cancelReason('supplier-out-of-stock')?.name, 'Нет в наличии у поставщика');
  assert.equal(pult.cancelReason('nope'), undefined);
  assert.equal(pult.paymentStatus('paid')?.paid, true);
  assert.equal(pult.paymentStatus('credit-approved')?.paid, false);
});

test('final statuses are the complete and cancel groups', () => {
  const classify = (code: string) => [pult.isFinal(code), pult.isComplete(code), pult.isCancel(code)];
  assert.deepEqual(classify('complete'), [true, true, false]);
  assert.deepEqual(classify('cancelled-no-answer'), [true, false, true]);
  assert.deepEqual(classify('bought-elsewhere'), [true, false, true]);
  assert.deepEqual(classify('new'), [false, false, false]);
  assert.deepEqual(classify('awaiting-supply'), [false, false, false]);
  assert.deepEqual(classify('unknown-legacy-status'), [false, false, false]);
});

test('statuses of a group come in display order; new orders start in the first active status of the new group', () => {
  assert.deepEqual(
    pult.statusesOf('cancel').map((s) => s.code),
    ['cancelled-no-answer', 'cancelled-by-customer', 'bought-elsewhere', 'cancelled-other'],
  );
  assert.equal(pult.initialStatus().code, 'new');
  const data = structuredClone(demoPult);
  data.statuses.push({ code: 'missed-call', name: 'Пропущенный звонок', group: 'new', ordering: 5 });
  assert.equal(parseReferenceData(data).initialStatus().code, 'missed-call');
});

test('the matrix is per site', () => {
  const targets = (site: string, from: string) => pult.transitionsFrom(site, from).map((t) => t.to);
  assert.ok(targets('pult', 'new').includes('availability-confirmed'));
  assert.ok(!targets('pult-opt', 'new').includes('availability-confirmed'));
  assert.deepEqual(targets('pult', 'complete'), []);
  assert.deepEqual(targets('nope', 'new'), []);
  assert.deepEqual(pult.transition('pult', 'availability-check', 'reservation')?.userGroups, [
    'purchasing',
    'admins',
  ]);
  assert.equal(pult.transition('pult', 'handed-to-delivery', 'complete')?.userGroups, undefined);
  assert.equal(pult.transition('pult-opt', 'availability-check', 'reservation'), undefined);
});
