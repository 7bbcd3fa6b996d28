import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { demoWith, pult } from '../reference-data/fixtures';
import { formatOrderNumber, prepareNewOrder as prepare, type CreateOrderCommand } from './new-order';

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const command = (over: Partial<CreateOrderCommand> = {}): CreateOrderCommand => ({
  site: 'pult',
  externalId: 'web-1',
  currency: 'RUB',
  customer: { firstName: 'Анна', phone: '+7 916 123-45-67', email: 'anna@example.com' },
  items: [
    { name: 'Усилитель', quantity: 2, unitPrice: rub(4_999_000) },
    { name: 'Кабель', quantity: 3, unitPrice: rub(99_050) },
  ],
  ...over,
});

const prepareNewOrder = (cmd: CreateOrderCommand) => prepare(cmd, pult);

function violations(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return Object.fromEntries(e.violations.map((v) => [v.field, v.reason]));
  }
  assert.fail('expected a ValidationError');
}

test('the total is computed from the items, in minor units', () => {
  const order = prepareNewOrder(command());
  assert.deepEqual(order.total, rub(2 * 4_999_000 + 3 * 99_050));
});

test('a B2B order of ten million roubles adds up to the kopeck', () => {
  const order = prepareNewOrder(
    command({ items: [{ name: 'Проект кинозала', quantity: 1, unitPrice: rub(1_000_000_000) }] }),
  );
  assert.deepEqual(order.total, rub(1_000_000_000));
});

test('every invalid field is reported at once, by name', () => {
  const v = violations(() =>
    prepareNewOrder(
      command({
        site: 'Pult Shop',
        currency: 'rub',
        customer: { email: 'not-an-email', phone: 'call me' },
        items: [{ name: ' ', quantity: 0, unitPrice: { amountMinor: -1, currency: 'RUB' } }],
      }),
    ),
  );
  assert.match(v.site, /lowercase letters/);
  assert.match(v.currency, /ISO 4217/);
  assert.match(v['customer.email'], /email/);
  assert.match(v['customer.phone'], /phone/);
  assert.match(v['items[0].name'], /required/);
  assert.match(v['items[0].quantity'], /at least 1/);
  assert.match(v['items[0].unitPrice.amountMinor'], /negative/);
});

test('items must be priced in the order currency', () => {
  const v = violations(() =>
    prepareNewOrder(
      command({ items: [{ name: 'x', quantity: 1, unitPrice: { amountMinor: 1, currency: 'EUR' } }] }),
    ),
  );
  assert.match(v['items[0].unitPrice.currency'], /order currency RUB/);
});

test('an order needs items, and fractional money or quantities are refused', () => {
  assert.match(violations(() => prepareNewOrder(command({ items: [] }))).items, /at least one item/);
  const v = violations(() =>
    prepareNewOrder(command({ items: [{ name: 'x', quantity: 1.5, unitPrice: rub(10.5) }] })),
  );
  assert.match(v['items[0].quantity'], /whole number/);
  assert.match(v['items[0].unitPrice.amountMinor'], /integer/);
});

test('a total beyond the safe integer range is refused, not rounded', () => {
  const v = violations(() =>
    prepareNewOrder(
      command({ items: [{ name: 'x', quantity: 1_000_000, unitPrice: rub(Number.MAX_SAFE_INTEGER) }] }),
    ),
  );
  assert.match(v.items, /too large/);
});

test('the fingerprint identifies the request content, whatever the retry key or key order', () => {
  const a = prepareNewOrder(command({ idempotencyKey: 'k1' }));
  const b = prepareNewOrder({
    ...command(),
    idempotencyKey: 'k2',
    customer: { email: 'anna@example.com', phone: '+7 916 123-45-67', firstName: 'Анна' },
  });
  assert.equal(a.fingerprint, b.fingerprint);
  const c = prepareNewOrder(
    command({ items: [{ name: 'Усилитель', quantity: 3, unitPrice: rub(4_999_000) }] }),
  );
  assert.notEqual(a.fingerprint, c.fingerprint);
});

test('blank optional text is treated as absent', () => {
  const order = prepareNewOrder(command({ externalId: '  ', customer: { firstName: '', email: ' ' } }));
  assert.equal(order.externalId, undefined);
  assert.equal(order.customer.email, undefined);
});

test('the site must exist in the reference data and be active', () => {
  assert.equal(violations(() => prepareNewOrder(command({ site: 'nope' }))).site, "unknown site 'nope'");
  const closed = demoWith((d) => (d.sites[0].active = false));
  assert.equal(violations(() => prepare(command(), closed)).site, "site 'pult' is not active");
});

test("the order currency must be the site's currency, reported with the other problems", () => {
  const v = violations(() =>
    prepareNewOrder(
      command({
        currency: 'EUR',
        items: [{ name: '', quantity: 1, unitPrice: { amountMinor: 1, currency: 'EUR' } }],
      }),
    ),
  );
  assert.match(v.currency, /RUB, the currency of site 'pult'/);
  assert.match(v['items[0].name'], /required/);
});

test("a new order starts in the reference data's initial status, numbered in the site's format", () => {
  const order = prepareNewOrder(command());
  assert.equal(order.status, pult.initialStatus().code);
  assert.equal(order.numberFormat, '{n}A');
  assert.equal(formatOrderNumber(order.numberFormat, '1042'), '1042A');
  assert.equal(formatOrderNumber('OPT-{n}', 7), 'OPT-7');
});
