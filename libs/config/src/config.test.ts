import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, env, loadConfig } from './index';

const shape = {
  HTTP_PORT: env.port(8080),
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  KAFKA_BROKERS: env.list(),
  MIGRATE_ON_START: env.bool(false),
  LOG_LEVEL: env.oneOf(['debug', 'info', 'warn', 'error'] as const, 'info'),
  GRPC_DEADLINE_MS: env.int({ min: 1, max: 600000, default: 5000 }),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url({ protocols: ['http', 'https'], optional: true }),
};

test('parses typed values and applies defaults', () => {
  const c = loadConfig(shape, {
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders',
    KAFKA_BROKERS: 'a:9092, b:9092',
    MIGRATE_ON_START: 'TRUE',
  });
  assert.equal(c.HTTP_PORT, 8080);
  assert.deepEqual(c.KAFKA_BROKERS, ['a:9092', 'b:9092']);
  assert.equal(c.MIGRATE_ON_START, true);
  assert.equal(c.LOG_LEVEL, 'info');
  assert.equal(c.GRPC_DEADLINE_MS, 5000);
  assert.equal(c.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
  assert.ok(Object.isFrozen(c));
});

test('reports every wrong or missing variable by name with the reason', () => {
  try {
    loadConfig(shape, {
      HTTP_PORT: '70000',
      KAFKA_BROKERS: ' , ',
      MIGRATE_ON_START: 'maybe',
      LOG_LEVEL: 'loud',
    });
    assert.fail('expected a ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const byVar = Object.fromEntries(e.problems.map((p) => [p.variable, p.reason]));
    assert.match(byVar.HTTP_PORT, /integer from 1 to 65535, got '70000'/);
    assert.match(byVar.DATABASE_URL, /required/);
    assert.match(byVar.KAFKA_BROKERS, /at least one/);
    assert.match(byVar.MIGRATE_ON_START, /true or false/);
    assert.match(byVar.LOG_LEVEL, /one of debug, info, warn, error/);
    assert.match(e.message, /^Invalid configuration:\n {2}HTTP_PORT: /);
  }
});

test('rejects a URL with the wrong scheme and a non-integer', () => {
  assert.throws(
    () => loadConfig(shape, { DATABASE_URL: 'mysql://x/y', KAFKA_BROKERS: 'a:1', GRPC_DEADLINE_MS: '1.5' }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.problems.some((p) => p.variable === 'DATABASE_URL' && /postgres or postgresql/.test(p.reason)) &&
      e.problems.some((p) => p.variable === 'GRPC_DEADLINE_MS' && /integer/.test(p.reason)),
  );
});
