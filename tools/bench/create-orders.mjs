#!/usr/bin/env node
// Creates orders through the gateway at increasing concurrency and prints, per level, orders/s
// and latency percentiles. Run against a started platform (npm start):
//   node tools/bench/create-orders.mjs [--url http://127.0.0.1:8080] [--seconds 10] [--levels 1,4,16,32,64]
// Every request is bounded: each level runs for --seconds, then the next starts; the script ends by itself.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    seconds: { type: 'string', default: '10' },
    levels: { type: 'string', default: '1,4,16,32,64' },
    site: { type: 'string', default: 'pult' },
  },
});
const target = new URL('/v1/orders', values.url);
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target.hostname)) {
  console.error('bench: only a gateway on this machine (loopback) may be loaded');
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const seconds = Number(values.seconds);
const levels = values.levels.split(',').map(Number);

function body(i) {
  return JSON.stringify({
    site: values.site,
    externalId: `bench-${randomUUID()}`,
    currency: 'RUB',
    customer: {
      firstName: 'Бенчмарк',
      lastName: `Покупатель ${i}`,
      phone: '+79160000000',
      email: `bench${i}@example.com`,
    },
    items: [
      {
        offerExternalId: 'sku-1',
        name: 'Колонки',
        quantity: 2,
        unitPrice: { amountMinor: 2_499_000, currency: 'RUB' },
      },
      {
        offerExternalId: 'sku-2',
        name: 'Кабель',
        quantity: 1,
        unitPrice: { amountMinor: 99_000, currency: 'RUB' },
      },
    ],
  });
}

function post(payload) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(payload);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

console.log('concurrency  orders/s  p50 ms  p95 ms  p99 ms  errors');
let n = 0;
for (const concurrency of levels) {
  const latencies = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        const r = await post(body(n++));
        if (r.status === 201) latencies.push(r.ms);
        else errors++;
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    [
      String(concurrency).padStart(11),
      (latencies.length / elapsed).toFixed(0).padStart(9),
      pct(latencies, 50).toFixed(1).padStart(7),
      pct(latencies, 95).toFixed(1).padStart(7),
      pct(latencies, 99).toFixed(1).padStart(7),
      String(errors).padStart(7),
    ].join(' '),
  );
}
agent.destroy();
