#!/usr/bin/env node
// Creates orders through the gateway at increasing concurrency and prints, per step, orders/s,
// latency percentiles, errors and the CPU each process of the platform used. A benchmark, not a
// test: it asserts nothing. Run it against a started platform (npm start):
//
//   node tools/bench/create-orders.mjs [--url http://127.0.0.1:8080] [--api-key KEY | --admin-key KEY]
//     [--steps 1,8,16,32,64,128] [--duration 10] [--warmup 5] [--pid-dir .run/services]
//     [--kafka-pid-file .run/kafka/pid] [--orders-db postgres://postgres@127.0.0.1:5432/openretail_orders]
//     [--pg-admin postgres://postgres@127.0.0.1:5432/postgres] [--pg-databases 'openretail_%']
//     [--contacts 200000] [--seed N]
//
// Each step keeps `concurrency` requests in flight (closed loop) for --duration seconds after one
// uncounted second of ramp-up; a --warmup before the first step lets JIT, pools and caches settle.
// Every request has a 10 s timeout, so the script always ends by itself. Only a gateway on this
// machine may be loaded.
//
// The orders' customers are the individual records of the labelled synthetic base
// (customers-data.mjs, --contacts records of seed --seed, random by default): mostly new customers,
// about a third of them returning with the noise real contacts have, a few sharing a family phone,
// so identity resolution downstream does what it does for a shop, not one cached lookup.
//
// Keys are rate limited (100 requests/s by default), which would measure the limiter. With
// --admin-key (a key holding access:admin, e.g. the dev bootstrap key of npm start) the script first
// creates its own orders:write key for --site whose limit is lifted, and loads with that one.
//
// CPU: from /proc/<pid>/stat of the services named by --pid-dir (<name>.pid, as npm start writes
// them), the Kafka mock, every PostgreSQL process (the whole server: other databases' work counts
// too), the backends of the platform's own databases (pg-platform: the PostgreSQL work of this
// platform alone, when others use the same server; needs --pg-admin) and this script itself. `cores` is CPU seconds per second (2.00 = both cores of this machine
// busy); `ms/order` is CPU milliseconds per created order.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomInt, randomUUID } from 'node:crypto';
import { generateCustomers } from './customers-data.mjs';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    'api-key': { type: 'string' },
    'admin-key': { type: 'string' },
    steps: { type: 'string', default: '1,8,16,32,64,128' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    site: { type: 'string', default: 'pult' },
    'pid-dir': { type: 'string', default: '.run/services' },
    'kafka-pid-file': { type: 'string', default: '.run/kafka/pid' },
    'orders-db': { type: 'string' },
    'pg-admin': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'pg-databases': { type: 'string', default: 'openretail_%' },
    contacts: { type: 'string', default: '200000' },
    seed: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  const usage = readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .slice(1, 28);
  console.log(usage.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}
const target = new URL('/v1/orders', values.url);
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(target.hostname)) {
  console.error('bench: only a gateway on this machine (loopback) may be loaded');
  process.exit(2);
}
const durationS = positive('--duration', values.duration);
const warmupS = Number(values.warmup);
const steps = values.steps.split(',').map((s) => positive('--steps', s));
const REQUEST_TIMEOUT_MS = 10_000;
const RAMP_MS = 1000;

function positive(name, value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`bench: ${name} must be positive numbers, got '${value}'`);
    process.exit(2);
  }
  return n;
}

const apiKey = values['admin-key'] ? await createBenchKey(values['admin-key']) : values['api-key'];

/** A fresh orders:write key for the bench site without the default rate limit; its secret. */
async function createBenchKey(adminKey) {
  const response = await fetch(new URL('/v1/api-keys', values.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': adminKey },
    body: JSON.stringify({
      name: `bench ${new Date().toISOString()}`,
      permissions: ['orders:write'],
      sites: [values.site],
      rateLimit: { rps: 100_000, burst: 1_000_000 },
    }),
  });
  const created = await response.json();
  if (!response.ok) {
    console.error(`bench: creating a bench key failed: ${response.status} ${JSON.stringify(created)}`);
    process.exit(2);
  }
  return created.secret;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...steps) });
const run = randomUUID().slice(0, 8);
let sequence = 0;

const seed = values.seed === undefined ? randomInt(1, 1_000_000) : Number(values.seed);
const contacts = generateCustomers({ n: positive('--contacts', values.contacts), seed, site: values.site })
  .filter((rec) => rec.type !== 'legal')
  .map((rec) => ({
    ...(rec.firstName ? { firstName: rec.firstName } : {}),
    ...(rec.lastName ? { lastName: rec.lastName } : {}),
    ...(rec.phones?.length ? { phones: rec.phones.slice(0, 3) } : {}),
    // The order schema takes ASCII addresses only; the generator's foreigners have a few others.
    ...(rec.emails?.length && /^[\x21-\x7e]+$/.test(rec.emails[0]) ? { email: rec.emails[0] } : {}),
  }));

function body(i) {
  return JSON.stringify({
    site: values.site,
    externalId: `bench-${run}-${i}`,
    currency: 'RUB',
    customer: contacts[i % contacts.length],
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

/** The first answer of each error status, with its request. */
const firstAnswers = new Map();

/** One create; resolves (never rejects) with the status (0: no answer) and the latency in ms. */
function post() {
  const i = sequence++;
  const payload = body(i);
  const headers = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'idempotency-key': `bench-${run}-${i}`,
  };
  if (apiKey) headers['x-api-key'] = apiKey;
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
      // A refused order's answer says why: the first of each status is printed at the end.
      let answer = '';
      if (res.statusCode !== 201 && !firstAnswers.has(res.statusCode))
        res.on('data', (chunk) => (answer += chunk));
      else res.resume();
      res.on('end', () => {
        if (answer && !firstAnswers.has(res.statusCode))
          firstAnswers.set(res.statusCode, `${answer.slice(0, 600)} (request: ${payload.slice(0, 400)})`);
        resolve({ status: res.statusCode, ms: elapsed() });
      });
      res.on('error', () => resolve({ status: 0, ms: elapsed() }));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: elapsed() }));
    req.end(payload);
  });
}

/** Keeps `concurrency` requests in flight until `untilMs`; records only those started after `countFromMs`. */
async function load(concurrency, countFromMs, untilMs) {
  const latencies = [];
  const errors = new Map();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < untilMs) {
        const counted = Date.now() >= countFromMs;
        const r = await post();
        if (!counted) continue;
        if (r.status === 201) latencies.push(r.ms);
        else errors.set(r.status, (errors.get(r.status) ?? 0) + 1);
      }
    }),
  );
  return { latencies, errors };
}

// ---------------------------------------------------------------- CPU from /proc

const TICKS_PER_S = 100; // USER_HZ; 100 on every Linux this runs on

/** utime+stime (+ reaped children's, for PostgreSQL's postmaster) in seconds, or undefined. */
function cpuSeconds(pid, withChildren = false) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / TICKS_PER_S;
  } catch {
    return undefined;
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && cpuSeconds(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The processes to watch: name → () => CPU seconds so far. */
function watchedProcesses() {
  const watched = new Map();
  let pidFiles = [];
  try {
    pidFiles = readdirSync(values['pid-dir']).filter((f) => f.endsWith('.pid'));
  } catch {
    // no services started by npm start: CPU of the services is not shown
  }
  for (const file of pidFiles.sort()) {
    const pid = readPid(join(values['pid-dir'], file));
    if (pid) watched.set(file.slice(0, -'.pid'.length), () => cpuSeconds(pid) ?? 0);
  }
  const kafkaPid = readPid(values['kafka-pid-file']);
  if (kafkaPid) watched.set('kafka-mock', () => cpuSeconds(kafkaPid) ?? 0);
  if (postgresPids().length > 0) {
    watched.set('postgres', postgresCpu);
    watched.set('pg-platform', () => platformBackends.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0));
  }
  watched.set('bench', () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
  return watched;
}

function postgresPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Every PostgreSQL process, plus what the postmaster reaped from backends that already ended. */
function postgresCpu() {
  let total = 0;
  for (const pid of postgresPids()) {
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    const isPostmaster = readPidComm(ppid) !== 'postgres';
    total += cpuSeconds(pid, isPostmaster) ?? 0;
  }
  return total;
}

function readPidComm(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
function machineCpu() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = ticks[3] + ticks[4];
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS_PER_S, total: total / TICKS_PER_S };
}

function snapshot(watched) {
  return { at: Date.now(), machine: machineCpu(), each: new Map([...watched].map(([n, f]) => [n, f()])) };
}

// ---------------------------------------------------------------- PostgreSQL backends of the platform

/** Backends connected to the platform's databases; read before each step (pools keep them open). */
let platformBackends = [];
async function readPlatformBackends() {
  const { Client } = createRequire(join(process.cwd(), 'package.json'))('pg');
  const admin = new Client({ connectionString: values['pg-admin'], application_name: 'bench' });
  try {
    await admin.connect();
    const { rows } = await admin.query('select pid from pg_stat_activity where datname like $1', [
      values['pg-databases'],
    ]);
    platformBackends = rows.map((r) => r.pid);
  } catch (error) {
    console.error(`bench: cannot list the platform's PostgreSQL backends: ${error.message}`);
    platformBackends = [];
  } finally {
    await admin.end().catch(() => {});
  }
}

// ---------------------------------------------------------------- outbox backlog (optional)

let ordersDb;
async function outboxBacklog() {
  if (!values['orders-db']) return undefined;
  if (!ordersDb) {
    // pg is a dependency of the workspace; resolved from the repository root.
    const { Client } = createRequire(join(process.cwd(), 'package.json'))('pg');
    ordersDb = new Client({ connectionString: values['orders-db'], application_name: 'bench' });
    await ordersDb.connect();
  }
  const { rows } = await ordersDb.query(
    'select count(*)::int as n from outbox_message where published_at is null',
  );
  return rows[0].n;
}

// ---------------------------------------------------------------- main

const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const watched = watchedProcesses();
const names = [...watched.keys()];
console.log(
  `bench: POST ${target.href}, steps ${steps.join(',')}, ${durationS} s each, ` +
    `customers from ${contacts.length} contacts of seed ${seed}` +
    (names.length > 1 ? `; CPU of ${names.join(', ')}` : '; no pid files: CPU of the services not shown'),
);

if (warmupS > 0) {
  const until = Date.now() + warmupS * 1000;
  const w = await load(Math.min(8, Math.max(...steps)), until, until);
  if (w.errors.size > 0)
    console.log(`warm-up: errors ${[...w.errors].map(([s, n]) => `${s}×${n}`).join(' ')}`);
}

const results = [];
console.log(
  '\nconcurrency  orders/s   p50 ms   p95 ms   p99 ms   max ms  errors  machine cores busy  outbox backlog',
);
for (const concurrency of steps) {
  await readPlatformBackends();
  const countFrom = Date.now() + RAMP_MS;
  const until = countFrom + durationS * 1000;
  let before;
  const timer = setTimeout(() => (before = snapshot(watched)), RAMP_MS);
  const { latencies, errors } = await load(concurrency, countFrom, until);
  clearTimeout(timer);
  const after = snapshot(watched);
  before ??= after;
  const seconds = (after.at - before.at) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = latencies.length / seconds;
  const backlog = await outboxBacklog();
  const errorText = [...errors].map(([s, n]) => `${s === 0 ? 'timeout/conn' : s}×${n}`).join(' ') || '0';
  results.push({ concurrency, rate, created: latencies.length, seconds, before, after });
  console.log(
    [
      String(concurrency).padStart(11),
      fmt(rate, 0).padStart(9),
      fmt(pct(latencies, 50)).padStart(8),
      fmt(pct(latencies, 95)).padStart(8),
      fmt(pct(latencies, 99)).padStart(8),
      fmt(latencies.at(-1)).padStart(8),
      errorText.padStart(7),
      fmt((after.machine.busy - before.machine.busy) / seconds, 2).padStart(20),
      String(backlog ?? '-').padStart(15),
    ].join(' '),
  );
}

console.log('\nCPU per process: cores used (CPU s per s) and CPU ms per created order');
console.log(['concurrency', ...names].map((n, i) => (i === 0 ? n : n.padStart(18))).join(' '));
for (const r of results) {
  const cells = names.map((n) => {
    const used = r.after.each.get(n) - r.before.each.get(n);
    const perOrder = r.created > 0 ? (used * 1000) / r.created : NaN;
    return `${fmt(used / r.seconds, 2)} / ${fmt(perOrder, 2)}`.padStart(18);
  });
  console.log([String(r.concurrency).padStart(11), ...cells].join(' '));
}
for (const [status, answer] of firstAnswers) console.log(`\nfirst ${status} answer: ${answer}`);
agent.destroy();
await ordersDb?.end();
