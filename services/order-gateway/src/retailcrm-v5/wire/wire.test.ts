import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { formatCrmDateTime, parseCrmDateTime } from './dates';
import { CompatError, toCompatAnswer } from './errors';
import { fromMinorUnits, toMinorUnits } from './money';
import {
  nestParams,
  pageParams,
  pagination,
  paramsFromMultipart,
  paramsFromQuery,
  paramsFromUrlEncoded,
} from './params';

test('bracket parameters nest as PHP and Python clients write them', () => {
  // PHP http_build_query: indexed; Python/Ruby: appended; both give lists in order.
  assert.deepEqual(paramsFromUrlEncoded('filter%5Bids%5D%5B0%5D=7141&filter%5Bids%5D%5B1%5D=7&limit=50'), {
    filter: { ids: ['7141', '7'] },
    limit: '50',
  });
  assert.deepEqual(paramsFromQuery({ 'filter[sites][]': ['a', 'b'], 'filter[sinceId]': '10', page: '2' }), {
    filter: { sites: ['a', 'b'], sinceId: '10' },
    page: '2',
  });
  assert.deepEqual(
    nestParams([
      ['order', '{"a":1}'],
      ['by', 'id'],
    ]),
    { order: '{"a":1}', by: 'id' },
  );
  assert.deepEqual(
    nestParams([
      ['__proto__[x]', '1'],
      ['a', '2'],
    ]),
    { a: '2' },
    'prototype keys are dropped',
  );
  assert.throws(
    () =>
      nestParams([
        ['a', '1'],
        ['a[b]', '2'],
      ]),
    CompatError,
  );
});

test('a multipart body (the v5 PHP client through curl) gives its text fields', () => {
  const body = Buffer.from(
    '--XyZ\r\nContent-Disposition: form-data; name="apiKey"\r\n\r\nork_k\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="order"\r\n\r\n{"externalId":"a\\r\\nb"}\r\n--XyZ--\r\n',
  );
  assert.deepEqual(paramsFromMultipart(body, 'multipart/form-data; boundary=XyZ'), {
    apiKey: 'ork_k',
    order: '{"externalId":"a\\r\\nb"}',
  });
});

test('limit is 20, 50 or 100 (20 by default); pagination counts pages', () => {
  assert.deepEqual(pageParams({}), { limit: 20, page: 1 });
  assert.deepEqual(pageParams({ limit: '100', page: '3' }), { limit: 100, page: 3 });
  assert.throws(
    () => pageParams({ limit: '30' }),
    (e) => e instanceof CompatError && e.status === 400,
  );
  assert.throws(() => pageParams({ page: '0' }), CompatError);
  assert.deepEqual(pagination({ limit: 20, page: 2 }, 41), {
    limit: 20,
    totalCount: 41,
    currentPage: 2,
    totalPageCount: 3,
  });
  assert.equal(pagination({ limit: 20, page: 1 }, 0).totalPageCount, 0);
});

test('money: decimal text, not float arithmetic', () => {
  assert.equal(toMinorUnits(3499.9, 'RUB', 'x'), 349990);
  assert.equal(toMinorUnits('1200.10', 'RUB', 'x'), 120010);
  assert.equal(toMinorUnits(19.99, 'RUB', 'x'), 1999, '19.99 * 100 is 1998.9999999999998 in floats');
  assert.equal(toMinorUnits(1500, 'JPY', 'x'), 1500);
  assert.equal(toMinorUnits(1.234, 'KWD', 'x'), 1234);
  assert.equal(toMinorUnits(-5.5, 'RUB', 'x'), -550);
  assert.equal(toMinorUnits(2e-7 * 1e7, 'RUB', 'x'), 200);
  const refused = (value: unknown, currency: string) => {
    try {
      toMinorUnits(value, currency, 'items[0].initialPrice');
    } catch (e) {
      if (e instanceof ValidationError) return e.violations[0];
      throw e;
    }
    assert.fail(`${String(value)} ${currency} was not refused`);
  };
  assert.deepEqual(refused(10.005, 'RUB'), {
    field: 'items[0].initialPrice',
    reason: 'must have at most 2 decimal places in RUB',
  });
  assert.deepEqual(refused(10.5, 'JPY'), {
    field: 'items[0].initialPrice',
    reason: 'must be a whole number of JPY',
  });
  assert.equal(refused('12,50', 'RUB').reason, 'must be a decimal number');
  assert.equal(refused(1e300, 'RUB').reason, 'is too large');
  assert.equal(fromMinorUnits(349990, 'RUB'), 3499.9);
  assert.equal(fromMinorUnits(5, 'RUB'), 0.05);
  assert.equal(fromMinorUnits(-550, 'RUB'), -5.5);
  assert.equal(fromMinorUnits(1234, 'KWD'), 1.234);
  assert.equal(fromMinorUnits(1500, 'JPY'), 1500);
});

test('times are Y-m-d H:i:s in the installation zone, both ways, across clock changes', () => {
  assert.equal(formatCrmDateTime('2024-03-01T12:04:05.678Z', 'Europe/Moscow'), '2024-03-01 15:04:05');
  assert.equal(
    parseCrmDateTime('2024-03-01 15:04:05', 'Europe/Moscow', 'x').toISOString(),
    '2024-03-01T12:04:05.000Z',
  );
  assert.equal(
    parseCrmDateTime('2024-03-01', 'Europe/Moscow', 'x').toISOString(),
    '2024-02-29T21:00:00.000Z',
  );
  // Berlin: winter +1, summer +2.
  assert.equal(
    parseCrmDateTime('2024-07-01 12:00:00', 'Europe/Berlin', 'x').toISOString(),
    '2024-07-01T10:00:00.000Z',
  );
  assert.equal(
    parseCrmDateTime('2024-01-01 12:00:00', 'Europe/Berlin', 'x').toISOString(),
    '2024-01-01T11:00:00.000Z',
  );
  assert.equal(formatCrmDateTime('2024-07-01T10:00:00Z', 'Europe/Berlin'), '2024-07-01 12:00:00');
  for (const bad of ['2024-02-30', '01.03.2024', '2024-03-01 25:00:00']) {
    assert.throws(() => parseCrmDateTime(bad, 'Europe/Moscow', 'filter[createdAtFrom]'), ValidationError);
  }
});

test('failures in RetailCRM shape: field errors 400, access 403, rate limit 503', () => {
  const v = toCompatAnswer(
    new ValidationError([{ field: 'items[0].quantity', reason: 'must be a whole number' }]),
    true,
  );
  assert.deepEqual(v, {
    status: 400,
    body: {
      success: false,
      errorMsg: 'Errors in the entity format',
      errors: { 'items[0].quantity': 'must be a whole number' },
    },
    headers: {},
  });
  const batch = toCompatAnswer(
    new CompatError(460, 'Orders are loaded with errors', { 1: 'bad' }, { uploadedOrders: [] }),
    true,
  );
  assert.deepEqual(batch.body, {
    success: false,
    uploadedOrders: [],
    errorMsg: 'Orders are loaded with errors',
    errors: { 1: 'bad' },
  });
  assert.equal(toCompatAnswer(new Error('boom'), true).status, 500);
});
