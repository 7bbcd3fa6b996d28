import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthRegistry } from './health';

const ok = (name: string) => ({ name, check: async () => undefined });

test('ready when every indicator passes, with a duration per check', async () => {
  const health = new HealthRegistry();
  health.register(ok('postgres'));
  health.register(ok('kafka'));
  const report = await health.readiness();
  assert.equal(report.status, 'ok');
  assert.deepEqual(Object.keys(report.checks).sort(), ['kafka', 'postgres']);
  assert.equal(report.checks.postgres.status, 'ok');
  assert.equal(typeof report.checks.postgres.durationMs, 'number');
});

test('a failing indicator makes readiness fail with its reason, others still reported', async () => {
  const health = new HealthRegistry();
  health.register(ok('kafka'));
  health.register({
    name: 'postgres',
    check: async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    },
  });
  const report = await health.readiness();
  assert.equal(report.status, 'error');
  assert.equal(report.checks.kafka.status, 'ok');
  assert.deepEqual(
    { status: report.checks.postgres.status, reason: report.checks.postgres.reason },
    { status: 'error', reason: 'connect ECONNREFUSED 127.0.0.1:5432' },
  );
});

test('a hanging indicator times out while the others run concurrently', async () => {
  const health = new HealthRegistry({ timeoutMs: 50 });
  health.register({ name: 'stuck', check: () => new Promise<void>(() => undefined) });
  health.register({ name: 'slow', check: () => sleep(30) });
  const started = Date.now();
  const report = await health.readiness();
  assert.ok(Date.now() - started < 500, 'checks run concurrently and are bounded by the timeout');
  assert.equal(report.status, 'error');
  assert.equal(report.checks.stuck.reason, 'timed out after 50 ms');
  assert.equal(report.checks.slow.status, 'ok');
});

test('an indicator throwing synchronously is reported, not propagated', async () => {
  const health = new HealthRegistry();
  health.register({
    name: 'broken',
    check: () => {
      throw new Error('not connected');
    },
  });
  assert.equal((await health.readiness()).checks.broken.reason, 'not connected');
});

test('shutting down fails readiness at once without running checks', async () => {
  const health = new HealthRegistry();
  let ran = false;
  health.register({
    name: 'postgres',
    check: async () => {
      ran = true;
    },
  });
  health.markShuttingDown();
  const report = await health.readiness();
  assert.equal(ran, false);
  assert.equal(report.status, 'error');
  assert.equal(report.checks.shutdown.reason, 'service is shutting down');
  assert.ok(health.isShuttingDown);
});

test('an indicator name can be registered once', () => {
  const health = new HealthRegistry();
  health.register(ok('postgres'));
  assert.throws(() => health.register(ok('postgres')), /'postgres' is already registered/);
  assert.throws(() => health.register(ok('shutdown')), /'shutdown' is reserved/);
});
