import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '@openretail/contracts';
import { dateFromTimestamp, moneyFromProto, moneyToProto, timestampFromDate } from './money';

describe('money conversion', () => {
  it('round-trips safe integers, including the extremes', () => {
    for (const amountMinor of [0, 1, -150, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const proto = moneyToProto({ amountMinor, currency: 'RUB' });
      assert.equal(proto.amountMinor, String(amountMinor));
      assert.deepEqual(moneyFromProto({ amountMinor: String(proto.amountMinor), currency: 'RUB' }), {
        amountMinor,
        currency: 'RUB',
      });
    }
  });

  it('accepts bigint amounts within int64 on the way out', () => {
    assert.equal(
      moneyToProto({ amountMinor: 2n ** 63n - 1n, currency: 'EUR' }).amountMinor,
      '9223372036854775807',
    );
  });

  it('rejects amounts that a JS number cannot hold exactly, naming the field', () => {
    assert.throws(
      () => moneyFromProto({ amountMinor: '9007199254740993', currency: 'RUB' }, 'total'),
      (e: unknown) => e instanceof ValidationError && e.violations[0]?.field === 'total.amountMinor',
    );
    assert.throws(() => moneyToProto({ amountMinor: 1.5, currency: 'RUB' }), ValidationError);
    assert.throws(() => moneyToProto({ amountMinor: 2n ** 63n, currency: 'RUB' }), ValidationError);
  });

  it('reports every problem at once', () => {
    assert.throws(
      () => moneyFromProto({ amountMinor: '1e3', currency: 'rub' }, 'price'),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.violations.map((v) => v.field).join() === 'price.amountMinor,price.currency',
    );
    assert.throws(
      () => moneyFromProto(null, 'items[0].unitPrice'),
      (e: unknown) =>
        e instanceof ValidationError && e.message === 'invalid request: items[0].unitPrice: is required',
    );
  });
});

describe('timestamp conversion', () => {
  it('round-trips dates with millisecond precision, before 1970 too', () => {
    for (const iso of ['2025-01-02T03:04:05.678Z', '1969-12-31T23:59:59.001Z', '1970-01-01T00:00:00.000Z']) {
      const ts = timestampFromDate(new Date(iso));
      assert.ok(ts.nanos! >= 0 && ts.nanos! < 1e9);
      assert.equal(dateFromTimestamp({ seconds: String(ts.seconds), nanos: ts.nanos! }).toISOString(), iso);
    }
  });

  it('rejects a missing timestamp naming the field', () => {
    assert.throws(() => dateFromTimestamp(null, 'createdAt'), /createdAt: is required/);
  });
});
