import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KafkaMockControl,
  KafkaMockError,
  localKafka,
  uniqueName,
  waitFor,
  WaitForTimeoutError,
} from './index';

test('uniqueName is prefixed, distinct and a valid topic name', () => {
  const a = uniqueName('orders-test');
  const b = uniqueName('orders-test');
  assert.match(a, /^orders-test-[a-z0-9]+-[0-9a-f]{8}$/);
  assert.notEqual(a, b);
  assert.throws(() => uniqueName('Bad Prefix'), /prefix must be/);
});

test('waitFor returns the first truthy value of the predicate', async () => {
  let calls = 0;
  const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
  assert.deepEqual(value, { calls: 3 });
});

test('waitFor retries a throwing predicate and reports its last error on timeout', async () => {
  await assert.rejects(
    waitFor(
      () => {
        throw new Error('order not shipped yet');
      },
      { timeoutMs: 50, intervalMs: 5, message: 'order 42 to ship' },
    ),
    (e: Error) => {
      assert.ok(e instanceof WaitForTimeoutError);
      assert.match(
        e.message,
        /timed out after 50 ms waiting for order 42 to ship; last error: order not shipped yet/,
      );
      return true;
    },
  );
});

test('waitFor does not wait past its timeout for a predicate that never settles', async () => {
  const start = Date.now();
  await assert.rejects(
    waitFor(() => new Promise(() => {}), { timeoutMs: 50 }),
    WaitForTimeoutError,
  );
  assert.ok(Date.now() - start < 1000);
});

test('localKafka prefers KAFKA_BROKERS and KAFKA_CONTROL from the environment', () => {
  const { brokers, control } = localKafka({
    env: { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093', KAFKA_CONTROL: '127.0.0.1:7000' },
  });
  assert.deepEqual(brokers, ['127.0.0.1:9092', '127.0.0.1:9093']);
  assert.equal(control.address, '127.0.0.1:7000');
  assert.throws(
    () => localKafka({ env: { KAFKA_BROKERS: 'nohost', KAFKA_CONTROL: '127.0.0.1:7000' } }),
    /KAFKA_BROKERS/,
  );
});

test('localKafka says how to start the broker when it is not running', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'no-kafka-'));
  assert.throws(() => localKafka({ env: {}, stateDir }), /not running.*npm run infra:up/);
  writeFileSync(join(stateDir, 'pid'), '999999999\n');
  assert.throws(() => localKafka({ env: {}, stateDir }), /not running.*npm run infra:up/);
});

test('KafkaMockControl rejects bad arguments before sending and says when nothing listens', async () => {
  const control = new KafkaMockControl('127.0.0.1:1');
  await assert.rejects(control.createTopic('bad name', 1), /topic name must be/);
  await assert.rejects(control.pushErrors(0, []), /errorCodes must list 1 to 62 codes/);
  await assert.rejects(control.brokerRtt(1, -5), /ms must be an integer/);
  await assert.rejects(
    control.ping(),
    (e: Error) => e instanceof KafkaMockError && /npm run infra:up/.test(e.message),
  );
  assert.throws(() => new KafkaMockControl('localhost'), /must be host:port/);
});
