#!/usr/bin/env node
// Identity resolution at ingestion, as the customers service runs it on order.created: the orders
// are fed to the service's own consumer (its `customers.order-contacts` spec from service.ts) in
// batches, as Kafka hands them over, and each batch is applied in one transaction with its inbox
// rows: contacts normalised, candidates read by blocking key, scored, each order linked to a
// profile (made when none matches), with history, events and suggestions. A benchmark, not a
// test: it prints figures and asserts nothing.
//
//   npx nx build customers && node tools/bench/customers-ingest-bench.mjs [--orders 20000] [--seed 7]
//     [--batch 50]
//
// The orders' contacts are the individual records of the labelled synthetic base
// (customers-data.mjs), in creation order: the first order of a customer makes its profile, the
// next ones should find it. Prints the throughput, the latency per batch, the CPU time per order of
// this process (the consumer: parsing, resolution, ORM, driver) and of the PostgreSQL backends it
// used, the decisions, and their quality against the labels: a `matched` link is right when the
// profile was made for the same customer; a `created` one is a miss when a profile of that customer
// existed. Only the consumer's work is timed: reading the links back for the labels is not.
// Runs against a throw-away database (test_ingest_bench_*), dropped at the end.
import console from 'node:console';
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { generateCustomers } from './customers-data.mjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '7' },
    batch: { type: 'string', default: '50' },
  },
});
const total = Number(values.orders);
const batchSize = Number(values.batch);

const { EventConsumer, silentLogger } = require('@openretail/messaging');
const { customersServiceDefinition } = require('../../services/customers/dist/service.js');
const { customersTestDatabase } = require('../../services/customers/dist/test-support/database.js');
const { identityServices, orderCreated } = require('../../services/customers/dist/test-support/identity.js');

const records = generateCustomers({ n: Math.ceil(total * 1.15), seed: Number(values.seed) })
  .filter((r) => r.type !== 'legal')
  .slice(0, total);
const { orm, close } = await customersTestDatabase('ingest_bench');
const s = identityServices(orm);

// The service's consumer of order.created, wired to this database; its transport is never used.
const spec = customersServiceDefinition
  .consumers({ get: () => s.resolver })
  .find((c) => c.groupId === 'customers.order-contacts');
const consumer = new EventConsumer({ ...spec, transport: {}, orm, logger: silentLogger });
const topic = spec.topics[0].name;

/** CPU seconds (user + system) of this database's backends, by pid, from /proc (a local server). */
async function backendCpu() {
  const rows = await orm.em
    .fork()
    .execute('select pid from pg_stat_activity where datname = current_database()');
  const ticks = new Map();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime, stime at 100 Hz
    } catch {
      return undefined; // a server on another machine or in a container
    }
  }
  return ticks;
}

const entityOfProfile = new Map();
const seenEntities = new Set();
const latencies = [];
const counts = { matched: 0, created: 0, unlinked: 0, rightMatch: 0, wrongMatch: 0, missed: 0 };
let cpuMicros = 0;
let wallMs = 0;
const pgBefore = await backendCpu();

for (let start = 0; start < records.length; start += batchSize) {
  const batch = records.slice(start, start + batchSize);
  const events = batch.map((rec) =>
    orderCreated('pult', {
      ...(rec.firstName ? { firstName: rec.firstName } : {}),
      ...(rec.lastName ? { lastName: rec.lastName } : {}),
      ...(rec.phones?.length ? { phone: rec.phones[0], phones: rec.phones } : {}),
      ...(rec.emails?.length ? { email: rec.emails[0] } : {}),
    }),
  );
  const messages = events.map((event, i) => ({
    topic,
    partition: 0,
    offset: String(start + i),
    key: event.aggregateId,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
  }));
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await consumer.handleBatch(messages);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  cpuMicros += used.user + used.system;
  wallMs += ms;
  latencies.push(ms);

  const orderIds = events.map((e) => e.payload.orderId);
  const links = new Map(
    (
      await orm.em.fork().execute(
        `select order_id, customer_id, decision from customer_order_links
           where order_id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
        [JSON.stringify(orderIds)],
      )
    ).map((l) => [l.order_id, l]),
  );
  batch.forEach((rec, i) => {
    const link = links.get(orderIds[i]);
    if (!link) {
      counts.unlinked++;
    } else if (link.decision === 'matched') {
      counts.matched++;
      if (entityOfProfile.get(link.customer_id) === rec.entity) counts.rightMatch++;
      else counts.wrongMatch++;
    } else {
      counts.created++;
      if (seenEntities.has(rec.entity)) counts.missed++;
      entityOfProfile.set(link.customer_id, rec.entity);
    }
    seenEntities.add(rec.entity);
  });
  if (Math.floor((start + batch.length) / 5000) > Math.floor(start / 5000))
    console.error(`${start + batch.length} orders…`);
}

const pgAfter = await backendCpu();
latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const [{ profiles }] = await orm.em.fork().execute('select count(*)::int as profiles from customers');
const [{ suggestions }] = await orm.em
  .fork()
  .execute('select count(*)::int as suggestions from customer_match_suggestions');
await close();

const n = records.length;
console.log(
  `orders: ${n} in batches of ${batchSize}, ${(wallMs / 1000).toFixed(1)} s in the consumer, ` +
    `${(n / (wallMs / 1000)).toFixed(0)} orders/s`,
);
console.log(`latency per batch (ms): p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${pct(100)}`);
console.log(
  `CPU per order: consumer process ${(cpuMicros / 1000 / n).toFixed(2)} ms ` +
    '(parsing, resolution, ORM, driver)' +
    (pgBefore && pgAfter
      ? `, PostgreSQL backends ${(([...pgAfter].reduce((sum, [pid, t]) => sum + t - (pgBefore.get(pid) ?? 0), 0) * 1000) / n).toFixed(2)} ms`
      : ', PostgreSQL backends not measurable here'),
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
