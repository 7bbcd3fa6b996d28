#!/usr/bin/env node
// How long the segment worker takes to compute a new segment's membership over a large base, and a
// time check of a "last order within N days" segment. A benchmark, not a test: it prints figures.
//
//   npx nx build customers && node tools/bench/segments-bench.mjs [--n 1000000] [--batch 2000]
//
// Makes a throw-away database (test_segments_bench_*), migrated as the service does, with n
// customers on two sites: tags, VIP, consent and metrics spread at random, and an order fact with
// offers for every third. Then, for each segment below, saves it and runs the worker's pass (every
// batch a transaction: lock the batch, evaluate the filter in SQL, apply the membership changes,
// write segment.entered to the outbox), and prints customers per second and members. Finally it
// moves the clock a day on and times the check of the time-dependent segment, and applies --events
// order events (the life of an order: created, a status change, paid, every fourth cancelled) to
// random customers through the metrics consumer (applyMetricsEvents), 100 per transaction as the inbox does, with the segments
// above defined: the event path's throughput. Drops the database.
import console from 'node:console';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import crypto from 'node:crypto';
import process from 'node:process';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '2000' },
    events: { type: 'string', default: '20000' },
  },
});
const n = Number(values.n);
const batchSize = Number(values.batch);

const dist = (p) => {
  try {
    return require(`../../services/customers/dist/${p}`);
  } catch {
    console.error('bench: build the customers service first: npx nx build customers');
    process.exit(2);
  }
};
const { customersServiceDefinition } = dist('service.js');
const { SegmentWorker } = dist('segments/segment-worker.js');
const { SegmentsService } = dist('segments/segments.service.js');
const { testReferenceDataProvider } = dist('test-support/reference-data.js');
const { applyMetricsEvents } = dist('metrics/metrics-consumer.js');
const { orderEvent } = dist('test-support/segments.js');
const { parseEvent } = require('@openretail/contracts');
const { createTestDatabase, migrateUp, openDatabase } = require('@openretail/persistence');
const { messagingEntities } = require('@openretail/messaging');

const DAY = 24 * 60 * 60 * 1000;

/**
 * CPU time (ms) of the PostgreSQL backends connected to the database, from /proc (the server runs on
 * this machine): wall time on a shared machine says more about the neighbours than about the code.
 */
async function backendsCpuMs(sql, database) {
  const ticks = 100; // USER_HZ on Linux
  let total = 0;
  for (const { pid } of await sql('select pid from pg_stat_activity where datname = ?', [database])) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return total;
}
const db = await createTestDatabase('segments_bench');
const orm = await openDatabase({
  url: db.url,
  entities: [...customersServiceDefinition.database.entities, ...messagingEntities],
  serviceDir: path.resolve('services/customers/dist'),
});
const seconds = (t0) => (performance.now() - t0) / 1000;
try {
  await migrateUp(orm);
  const sql = (text, params = []) => orm.em.fork().execute(text, params);
  let t0 = performance.now();
  await sql(
    `insert into customers (id, site, phones, phone_keys, emails, email_keys, addresses, tags, custom_fields,
       consent, vip, created_at, updated_at, version, orders_count, cancellations, metrics_currency,
       total_spent_minor, average_check_minor, paid_total_minor, first_order_at, last_order_at)
     select gen_random_uuid(), case when i % 4 = 0 then 'minsk' else 'pult' end, '[]', '{}', '{}', '{}', '[]',
       case i % 4 when 0 then '{vinyl}' when 1 then '{hifi}' when 2 then '{vinyl,hifi}' else '{}' end::text[], '{}',
       case when i % 3 = 0 then '{"email": {"status": "granted", "at": "2026-01-01T00:00:00Z", "source": "api"}}'::jsonb
            else '{}'::jsonb end,
       i % 20 = 0, now(), now(), 1, o, 0, case when o > 0 then 'RUB' end, o * 250000, case when o > 0 then 250000 else 0 end,
       0, case when o > 0 then now() - (i % 700) * interval '1 day' end,
       case when o > 0 then now() - (i % 365) * interval '1 day' end
     from generate_series(1, ?) as i, lateral (select ((i::bigint * 7919) % 6)::int as o) m`,
    [n],
  );
  await sql(
    `insert into customer_order_facts (order_id, customer_id, site, order_version, currency, total_minor,
       paid_minor, status_group, cancelled, ordered_at, offer_external_ids, updated_at)
     select gen_random_uuid(), id, site, 1, 'RUB', 250000, 0, 'new', false, last_order_at,
       array['offer-' || (abs(hashtext(id::text)) % 500)], now()
     from customers where orders_count > 0 and abs(hashtext(id::text)) % 3 = 0`,
  );
  await sql('analyze');
  const [{ facts }] = await sql('select count(*)::int as facts from customer_order_facts');
  console.log(`base: ${n} customers, ${facts} order facts, loaded in ${seconds(t0).toFixed(1)} s`);

  const now = new Date();
  const clock = { now: () => new Date(now) };
  const worker = new SegmentWorker(orm, { pollMs: 1000, timeCheckMs: 60_000, batchSize, clock });
  const segments = new SegmentsService(orm, testReferenceDataProvider());
  const admin = { source: 'api', sites: 'all' };
  const cases = [
    ['vinyl-lovers', { tags: { any: ['vinyl'] }, consent: { email: 'granted' } }, undefined],
    [
      'loyal-active',
      {
        ordersCount: { min: 2 },
        totalSpent: { currency: 'RUB', min: 500000 },
        lastOrder: { withinDays: 90 },
      },
      'pult',
    ],
    ['bought-offers', { boughtProducts: ['offer-1', 'offer-2', 'offer-3', 'offer-4', 'offer-5'] }, undefined],
  ];
  for (const [code, filter, site] of cases) {
    await segments.create({ code, name: code, ...(site ? { site } : {}), filter }, admin);
    t0 = performance.now();
    const round = await worker.runOnce();
    const s = seconds(t0);
    console.log(
      `pass ${code}${site ? ` (site ${site})` : ''}: ${round.evaluated} customers in ${s.toFixed(1)} s ` +
        `(${Math.round(round.evaluated / s)}/s, batches of ${batchSize}), ${round.entered} entered`,
    );
  }
  now.setTime(now.getTime() + DAY);
  t0 = performance.now();
  const check = await worker.runOnce();
  console.log(
    `time check a day later: ${check.timeChecks} segment(s), ${check.evaluated} customers re-evaluated, ` +
      `${check.left} left, in ${(seconds(t0) * 1000).toFixed(0)} ms`,
  );
  const eventCount = Number(values.events);
  // An order's life: created, a status change inside the open groups (counts the same), paid, and
  // every fourth cancelled.
  const buyers = await sql('select id from customers order by random() limit ?', [Math.ceil(eventCount / 3)]);
  const events = [];
  for (const [i, { id }] of buyers.entries()) {
    const order = {
      orderId: crypto.randomUUID(),
      customerId: id,
      totalMinor: 100000 + i,
      createdAt: now.toISOString(),
    };
    events.push(
      orderEvent({ ...order, version: 1, offers: [`offer-${i % 500}`] }),
      orderEvent({ ...order, version: 2 }),
      orderEvent({ ...order, version: 3, paidMinor: order.totalMinor }),
    );
    if (i % 4 === 0)
      events.push(orderEvent({ ...order, version: 4, paidMinor: order.totalMinor, cancelled: true }));
  }
  events.length = Math.min(events.length, eventCount);
  const cpu0 = { node: process.cpuUsage(), pg: await backendsCpuMs(sql, db.name) };
  t0 = performance.now();
  for (let i = 0; i < events.length; i += 100) {
    await orm.em.fork().transactional(async (em) => {
      await applyMetricsEvents(em, events.slice(i, i + 100).map(parseEvent), clock.now());
    });
  }
  const took = seconds(t0);
  const nodeCpu = process.cpuUsage(cpu0.node);
  const pgCpu = (await backendsCpuMs(sql, db.name)) - cpu0.pg;
  const perEvent = (ms) => (ms / events.length).toFixed(2);
  console.log(
    `event path: ${events.length} order events in ${took.toFixed(1)} s (${Math.round(events.length / took)}/s, ` +
      `${perEvent(took * 1000)} ms each), 100 per transaction, 3 segments; CPU per event: ` +
      `${perEvent((nodeCpu.user + nodeCpu.system) / 1000)} ms here, ${perEvent(pgCpu)} ms in PostgreSQL`,
  );
  const [{ outbox }] = await sql('select count(*)::int as outbox from outbox_message');
  console.log(`outbox: ${outbox} membership events written`);
} finally {
  await orm.close(true);
  if (process.env.SEGMENTS_BENCH_KEEP) console.log(`kept ${db.name}`);
  else await db.drop();
}
