#!/usr/bin/env node
// Identity resolution at ingestion, as the customers service runs it on order.created: each order's
// contact is normalised, its candidates are read by blocking key from PostgreSQL, scored, and the
// order is linked to a profile (made when none matches), with history, events and suggestions, in
// one transaction per order. A benchmark, not a test: it prints figures and asserts nothing.
//
//   npx nx build customers && node tools/bench/customers-ingest-bench.mjs [--orders 20000] [--seed 7]
//     [--concurrency 1]
//
// The orders' contacts are the individual records of the labelled synthetic base
// (customers-data.mjs), in creation order: the first order of a customer makes its profile, the
// next ones should find it. Prints the latency per order (percentiles), the throughput, the
// decisions, and their quality against the labels: a `matched` link is right when the profile was
// made for the same customer; a `created` one is a miss when a profile of that customer existed.
// Runs against a throw-away database (test_ingest_bench_*), dropped at the end.
import console from 'node:console';
import process from 'node:process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { generateCustomers } from './customers-data.mjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '1' },
  },
});
const total = Number(values.orders);
const concurrency = Number(values.concurrency);

const { customersTestDatabase } = require('../../services/customers/dist/test-support/database.js');
const { identityServices, orderCreated } = require('../../services/customers/dist/test-support/identity.js');
const { CustomerOrderLink } = require('../../services/customers/dist/identity/order-link.entity.js');

const records = generateCustomers({ n: Math.ceil(total * 1.15), seed: Number(values.seed) })
  .filter((r) => r.type !== 'legal')
  .slice(0, total);
const { orm, close } = await customersTestDatabase('ingest_bench');
const s = identityServices(orm);

const entityOfProfile = new Map();
const seenEntities = new Set();
const latencies = [];
const counts = { matched: 0, created: 0, unlinked: 0, rightMatch: 0, wrongMatch: 0, missed: 0 };
let next = 0;
const started = performance.now();
const cpu = process.cpuUsage();

async function worker() {
  for (let i = next++; i < records.length; i = next++) {
    const rec = records[i];
    const event = orderCreated('pult', {
      ...(rec.firstName ? { firstName: rec.firstName } : {}),
      ...(rec.lastName ? { lastName: rec.lastName } : {}),
      ...(rec.phones?.length ? { phone: rec.phones[0], phones: rec.phones } : {}),
      ...(rec.emails?.length ? { email: rec.emails[0] } : {}),
    });
    const t0 = performance.now();
    await orm.em.fork().transactional((em) => s.resolver.onOrderCreated(event, em));
    latencies.push(performance.now() - t0);
    const link = await orm.em.fork().findOne(CustomerOrderLink, { orderId: event.payload.orderId });
    if (!link) {
      counts.unlinked++;
    } else if (link.decision === 'matched') {
      counts.matched++;
      if (entityOfProfile.get(link.customerId) === rec.entity) counts.rightMatch++;
      else counts.wrongMatch++;
    } else {
      counts.created++;
      if (seenEntities.has(rec.entity)) counts.missed++;
      entityOfProfile.set(link.customerId, rec.entity);
    }
    seenEntities.add(rec.entity);
    if ((i + 1) % 5000 === 0) console.error(`${i + 1} orders…`);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const [{ profiles }] = await orm.em.fork().execute('select count(*)::int as profiles from customers');
const [{ suggestions }] = await orm.em
  .fork()
  .execute('select count(*)::int as suggestions from customer_match_suggestions');
await close();

console.log(
  `orders: ${records.length} (concurrency ${concurrency}), ${seconds.toFixed(1)} s, ${(records.length / seconds).toFixed(0)} orders/s`,
);
console.log(`latency per order (ms): p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${pct(100)}`);
console.log(
  `CPU of the service's side per order: ${((used.user + used.system) / 1000 / records.length).toFixed(1)} ms ` +
    '(the resolution, the ORM and the driver; PostgreSQL not included)',
);
console.log(
  `decisions: matched ${counts.matched}, created ${counts.created}, unlinked ${counts.unlinked}; ` +
    `profiles ${profiles}, suggestions ${suggestions}`,
);
const precision = counts.matched ? counts.rightMatch / counts.matched : 1;
const returning = counts.rightMatch + counts.missed;
console.log(
  `automatic links: precision ${precision.toFixed(4)} (${counts.wrongMatch} to another customer's profile), ` +
    `recall ${(returning ? counts.rightMatch / returning : 1).toFixed(4)} of returning customers ` +
    `(${counts.missed} got a new profile instead)`,
);
process.exit(0);
