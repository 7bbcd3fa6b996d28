import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CONSENT_CLOCK_SKEW_MS, applyConsent } from './consent';

const now = new Date('2026-03-01T12:00:00Z');
const ctx = { now, source: 'manager' };
const reach = { email: true, phone: true };
const granted = (at: string, source = 'api') => ({ status: 'granted' as const, at, source });

describe('consent', () => {
  test('a new status is recorded now, with the source, unless a time is given', () => {
    const { consent, problems } = applyConsent(
      {},
      { email: { status: 'granted' }, sms: { status: 'denied', at: '2025-12-31T10:00:00+03:00' } },
      reach,
      ctx,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(consent, {
      email: { status: 'granted', at: now.toISOString(), source: 'manager' },
      sms: { status: 'denied', at: '2025-12-31T07:00:00.000Z', source: 'manager' },
    });
  });

  test('the same status again keeps the record, whatever time is sent', () => {
    const before = { email: granted('2025-01-01T00:00:00.000Z') };
    const { consent, problems } = applyConsent(
      before,
      { email: { status: 'granted', at: '2026-02-01T00:00:00Z' } },
      reach,
      ctx,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(consent, before);
  });

  test('a change of status is a new record', () => {
    const { consent } = applyConsent(
      { sms: granted('2025-01-01T00:00:00.000Z') },
      { sms: { status: 'denied' } },
      reach,
      ctx,
    );
    assert.deepEqual(consent.sms, { status: 'denied', at: now.toISOString(), source: 'manager' });
  });

  test('a recorded consent cannot be removed, only denied', () => {
    const before = { messengers: granted('2025-01-01T00:00:00.000Z') };
    const { consent, problems } = applyConsent(before, {}, reach, ctx);
    assert.deepEqual(problems, [
      {
        field: 'consent.messengers',
        reason: 'a recorded consent cannot be removed; set it to denied instead',
      },
    ]);
    assert.deepEqual(consent, before);
  });

  test('a time in the future is refused; the clock skew allowance is not', () => {
    const soon = new Date(now.getTime() + CONSENT_CLOCK_SKEW_MS).toISOString();
    const later = new Date(now.getTime() + CONSENT_CLOCK_SKEW_MS + 1000).toISOString();
    assert.deepEqual(applyConsent({}, { email: { status: 'granted', at: soon } }, reach, ctx).problems, []);
    assert.deepEqual(applyConsent({}, { email: { status: 'granted', at: later } }, reach, ctx).problems, [
      { field: 'consent.email.at', reason: 'must not be in the future' },
    ]);
  });

  test('granting needs a way to reach the customer on that channel; denying does not', () => {
    const none = { email: false, phone: false };
    const { problems } = applyConsent(
      {},
      { email: { status: 'granted' }, sms: { status: 'granted' }, messengers: { status: 'granted' } },
      none,
      ctx,
    );
    assert.deepEqual(
      problems.map((p) => p.field),
      ['consent.email', 'consent.sms', 'consent.messengers'],
    );
    assert.match(problems[1].reason, /valid phone number/);
    assert.deepEqual(
      applyConsent({}, { email: { status: 'denied' }, sms: { status: 'denied' } }, none, ctx).problems,
      [],
    );
  });

  test('a kept grant is not re-checked against the contacts', () => {
    const before = { email: granted('2025-01-01T00:00:00.000Z') };
    const { problems } = applyConsent(
      before,
      { email: { status: 'granted' } },
      { email: false, phone: false },
      ctx,
    );
    assert.deepEqual(problems, []);
  });
});
