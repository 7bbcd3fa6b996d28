import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './metrics';

test('asking twice for a metric by name returns the same instance', () => {
  const m = new Metrics();
  const a = m.counter('orders_created_total', 'Orders created.', ['channel']);
  const b = m.counter('orders_created_total', 'Orders created.', ['channel']);
  assert.equal(a, b);
  const h1 = m.histogram('outbox_publish_seconds', 'Outbox publish latency.');
  assert.equal(m.histogram('outbox_publish_seconds', 'Outbox publish latency.'), h1);
});

test('the same name with another type or labels is refused with both declarations', () => {
  const m = new Metrics();
  m.counter('jobs_total', 'Jobs.', ['queue']);
  assert.throws(
    () => m.histogram('jobs_total', 'Jobs.', ['queue']),
    /'jobs_total' is already registered as a counter/,
  );
  assert.throws(() => m.counter('jobs_total', 'Jobs.', ['kind']), /labels \[queue\].*labels \[kind\]/);
});

test('text output has default Node metrics and custom samples in Prometheus format', async () => {
  const m = new Metrics();
  m.counter('orders_created_total', 'Orders created.', ['channel']).inc({ channel: 'web' }, 2);
  m.gauge('outbox_pending', 'Outbox rows not yet published.').set(3);
  const text = await m.text();
  assert.match(text, /^process_cpu_user_seconds_total \d/m);
  assert.match(text, /^nodejs_heap_size_used_bytes \d/m);
  assert.match(text, /^# TYPE orders_created_total counter$/m);
  assert.match(text, /^orders_created_total\{channel="web"\} 2$/m);
  assert.match(text, /^outbox_pending 3$/m);
});
