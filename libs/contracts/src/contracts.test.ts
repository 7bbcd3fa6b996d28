import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CurrencyMismatchError,
  EventValidationError,
  OrderCreatedV1,
  TOPICS,
  addMoney,
  allTopics,
  deadLetterTopic,
  money,
  multiplyMoney,
  newId,
  parseEvent,
  sumMoney,
  topicName,
} from './index';

const orderPayload = {
  orderId: newId(),
  number: 'A-1',
  site: 'main',
  status: 'new',
  customer: { firstName: 'Anna', phone: '+79161234567' },
  items: [{ name: 'Turntable', quantity: 2, unitPrice: money(1999000, 'RUB') }],
  total: money(3998000, 'RUB'),
  createdAt: new Date().toISOString(),
};

test('money is integer minor units in one currency', () => {
  assert.deepEqual(addMoney(money(150, 'RUB'), money(250, 'RUB')), money(400, 'RUB'));
  assert.deepEqual(multiplyMoney(money(1999, 'EUR'), 3), money(5997, 'EUR'));
  assert.deepEqual(sumMoney([], 'USD'), money(0, 'USD'));
  assert.throws(() => addMoney(money(1, 'RUB'), money(1, 'EUR')), CurrencyMismatchError);
  assert.throws(() => money(1.5, 'RUB'), /integer number of minor units/);
  assert.throws(() => money(1, 'rub'), /ISO 4217/);
  assert.throws(() => multiplyMoney(money(1, 'RUB'), 0.5), RangeError);
  assert.throws(() => multiplyMoney(money(Number.MAX_SAFE_INTEGER, 'RUB'), 2), RangeError);
});

test('ids are time-ordered UUIDv7', () => {
  const a = newId(1_700_000_000_000);
  const b = newId(1_700_000_000_001);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b);
  assert.notEqual(newId(), newId());
});

test('an event is created and parsed through its versioned schema', () => {
  const event = OrderCreatedV1.create(orderPayload, { source: 'orders', aggregateId: orderPayload.orderId });
  assert.equal(event.type, 'order.created');
  assert.equal(event.version, 1);
  const parsed = parseEvent(JSON.parse(JSON.stringify(event)));
  assert.deepEqual(parsed, event);
});

test('the producer side refuses an invalid payload', () => {
  assert.throws(() =>
    OrderCreatedV1.create(
      { ...orderPayload, items: [{ name: '', quantity: 0, unitPrice: money(1, 'RUB') }] },
      {
        source: 'orders',
        aggregateId: orderPayload.orderId,
      },
    ),
  );
});

test('the consumer side names what is wrong', () => {
  const event = OrderCreatedV1.create(orderPayload, { source: 'orders', aggregateId: orderPayload.orderId });
  assert.throws(
    () =>
      parseEvent({ ...event, payload: { ...event.payload, total: { amountMinor: 'x', currency: 'RUB' } } }),
    (e: unknown) => e instanceof EventValidationError && e.issues.some((i) => i.path === 'total.amountMinor'),
  );
  assert.throws(
    () => parseEvent({ ...event, version: 99 }),
    (e: unknown) =>
      e instanceof EventValidationError && /no schema registered for order.created v99/.test(e.message),
  );
  assert.throws(
    () => parseEvent({ ...event, occurredAt: 'yesterday' }),
    (e: unknown) => e instanceof EventValidationError && e.issues[0].path === 'occurredAt',
  );
});

test('the topic registry lists each topic with its dead-letter topic', () => {
  const names = allTopics().map((t) => t.name);
  assert.ok(names.includes(TOPICS.orderEvents.name));
  assert.ok(names.includes(`${TOPICS.orderEvents.name}.dlt`));
  assert.equal(new Set(names).size, names.length);
  assert.equal(deadLetterTopic(TOPICS.orderEvents).partitions, 1);
  assert.equal(topicName(TOPICS.orderEvents, 't1.'), `t1.${TOPICS.orderEvents.name}`);
});
