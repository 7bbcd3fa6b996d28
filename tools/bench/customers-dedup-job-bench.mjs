#!/usr/bin/env node
// The customers service's deduplication job end to end, over PostgreSQL: a site's base of profiles
// (the individual records of the labelled synthetic base, customers-data.mjs, stored as the service
// stores them, with their match records and blocking keys), then the job as the service runs it:
// load, scan with checkpoints, merge every cluster (history, events, the undo record), file the
// suggestions. A benchmark, not a test: it prints figures and asserts nothing.
//
//   npx nx build customers && node tools/bench/customers-dedup-job-bench.mjs [--n 100000] [--seed 3]
//
// Prints the time of each phase and the job's report, and the quality of its merges against the
// labels, pairwise: precision (pairs merged into one profile that are one customer) and recall
// (pairs of one customer's records that ended in one profile). Runs against a throw-away database
// (test_dedup_job_bench_*), dropped at the end unless --keep.
//
// --base NAME keeps the stored base as a database of that name (built by the first run, from its
// --n and --seed: about six minutes at 1,000,000) and runs each job on a copy of it (CREATE
// DATABASE … TEMPLATE, seconds), so that a change to the job is measured again without storing the
// base again. Drop the database when done.

import console from 'node:console';
import process from 'node:process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { generateCustomers } from './customers-data.mjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '3' },
    // Keep the database (to look into it); it is named at the end.
    keep: { type: 'boolean', default: false },
    base: { type: 'string' },
  },
});
const { newId } = require('../../libs/contracts/dist/index.js');
const {
  BLOCKING_KEY_KINDS,
  blockingKeys,
  normaliseBirthday,
  normalisePhone,
  normaliseRecord,
} = require('../../services/customers/dist/matching/index.js');
const { matchRecordOf } = require('../../services/customers/dist/identity/match-index.js');
const { openDatabase, migrateUp } = require('../../libs/persistence/dist/index.js');
const { messagingEntities } = require('../../libs/messaging/dist/index.js');
const { customersServiceDefinition } = require('../../services/customers/dist/service.js');
const pg = require('pg');
const { identityServices } = require('../../services/customers/dist/test-support/identity.js');

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const ALL_KEYS = { blocking: { keys: [...BLOCKING_KEY_KINDS], maxBlockSize: Number.MAX_SAFE_INTEGER } };
const CHUNK = 5_000;

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}
const urlOf = (name) => Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();
const openCustomers = async (name) => {
  const orm = await openDatabase({
    url: urlOf(name),
    entities: [...customersServiceDefinition.database.entities, ...messagingEntities],
    serviceDir: new URL('../../services/customers/dist', import.meta.url).pathname,
  });
  await migrateUp(orm);
  return orm;
};

/** Stores the labelled base in `base`: profiles, match records and keys as the service stores them, and each profile's label. */
async function storeBase(base) {
  // --n individual profiles: the base's legal entities (about one record in eleven) are corporate
  // customers, which the job does not scan, so a few more records are generated to make up n.
  const records = generateCustomers({ n: Math.ceil(Number(values.n) * 1.12), seed: Number(values.seed) })
    .filter((r) => r.type !== 'legal')
    .slice(0, Number(values.n));
  const t = performance.now();
  const start = Date.UTC(2016, 0, 1);
  for (let from = 0; from < records.length; from += CHUNK) {
    const rows = [];
    const matchRecords = [];
    const keys = [];
    const labels = [];
    records.slice(from, from + CHUNK).forEach((rec, i) => {
      const at = new Date(start + (from + i) * 60_000);
      const id = newId(at.getTime());
      labels.push({ id, entity: rec.entity });
      const phones = (rec.phones ?? []).map((number) => {
        const e164 = normalisePhone(number, 'RU');
        return e164 ? { number, e164 } : { number };
      });
      // Read as an import reads it: "DD.MM.YYYY" and ISO forms to a date column, typos such as
      // 1962-02-29 left out.
      const birthday = normaliseBirthday(rec.birthday);
      const state = {
        id,
        site: 'pult',
        ...(rec.firstName ? { firstName: rec.firstName } : {}),
        ...(rec.lastName ? { lastName: rec.lastName } : {}),
        ...(rec.patronymic ? { patronymic: rec.patronymic } : {}),
        phones,
        emails: rec.emails ?? [],
        addresses:
          rec.address || rec.city ? [{ id: newId(), text: rec.address ?? rec.city, city: rec.city }] : [],
        ...(birthday ? { birthday } : {}),
        tags: [],
        customFields: {},
        consent: {},
        vip: false,
        createdAt: at,
        updatedAt: at,
      };
      rows.push({
        id,
        site: 'pult',
        first_name: state.firstName ?? null,
        last_name: state.lastName ?? null,
        patronymic: state.patronymic ?? null,
        phones,
        phone_keys: phones.flatMap((p) => (p.e164 ? [p.e164] : [])),
        emails: state.emails,
        email_keys: state.emails.map((e) => e.trim().toLowerCase()),
        addresses: state.addresses,
        birthday: state.birthday ?? null,
        tags: [],
        custom_fields: {},
        consent: {},
        vip: false,
        created_at: at,
        updated_at: at,
        version: 1,
      });
      const record = normaliseRecord(matchRecordOf(state), { defaultRegion: 'RU' });
      matchRecords.push({ customer_id: id, site: 'pult', record });
      for (const key of new Set(blockingKeys(record, ALL_KEYS)))
        keys.push({ site: 'pult', key, customer_id: id });
    });
    await base.em.fork().execute(
      `insert into customers (id, site, first_name, last_name, patronymic, phones, phone_keys, emails, email_keys,
         addresses, birthday, tags, custom_fields, consent, vip, created_at, updated_at, version)
       select id, site, first_name, last_name, patronymic, phones, phone_keys, emails, email_keys, addresses,
         birthday, tags, custom_fields, consent, vip, created_at, updated_at, version
       from jsonb_populate_recordset(null::customers, ?::jsonb)`,
      [JSON.stringify(rows)],
    );
    await base.em
      .fork()
      .execute(
        `insert into customer_match_records select * from jsonb_populate_recordset(null::customer_match_records, ?::jsonb)`,
        [JSON.stringify(matchRecords)],
      );
    await base.em.fork().execute(
      `insert into customer_match_keys select * from jsonb_populate_recordset(null::customer_match_keys, ?::jsonb)
       on conflict do nothing`,
      [JSON.stringify(keys)],
    );
    await base.em
      .fork()
      .execute(
        `insert into bench_labels select * from jsonb_to_recordset(?::jsonb) as v(id uuid, entity int)`,
        [JSON.stringify(labels)],
      );
  }
  // As a base stored for years is: vacuumed (visibility and hint bits set), its statistics current.
  await base.em.fork().execute('vacuum analyze');
  console.log(`base: ${fmt(records.length)} profiles stored in ${fmt((performance.now() - t) / 1000, 1)} s`);
}

if (values.base && !/^[a-z_][a-z0-9_]*$/.test(values.base)) {
  console.error('bench: --base names a database: lowercase letters, digits and _');
  process.exit(2);
}
const db = `test_dedup_job_bench_${process.pid}`;
const baseExists =
  values.base && (await admin(`select 1 from pg_database where datname = '${values.base}'`)).rowCount > 0;
if (!baseExists) {
  const into = values.base ?? db;
  await admin(`create database "${into}"`);
  const base = await openCustomers(into);
  await base.em.fork().execute('create table bench_labels (id uuid primary key, entity int not null)');
  await storeBase(base);
  await base.close(true);
}
if (values.base) {
  await admin(`create database "${db}" template "${values.base}"`);
  console.log(`base: a copy of ${values.base}`);
}
const orm = await openCustomers(db);
const close = async () => {
  await orm.close(true);
  await admin(`drop database if exists "${db}" with (force)`);
};
const em = () => orm.em.fork();
const entityOf = new Map(
  (await em().execute('select id, entity from bench_labels')).map(({ id, entity }) => [id, entity]),
);

// ---------------------------------------------------------------- the job

const jobs = identityServices(orm).jobs();
// The CPU the database spends for the job: every backend of the bench's database, from /proc.
const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString());
const backendTicks = new Map();
const pgCpu = async () => {
  const rows = await em().execute('select pid from pg_stat_activity where datname = ?', [db]);
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      backendTicks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile: its last reading stays
    }
  }
  return [...backendTicks.values()].reduce((a, b) => a + b, 0) / ticks;
};
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const phases = [];
let sampling = true;
const sample = async () => {
  while (sampling) {
    const [row] = await em().execute(
      'select phase from customer_dedup_jobs order by created_at desc limit 1',
    );
    const at = { wall: performance.now(), node: nodeCpu(), pg: await pgCpu() };
    if (row && row.phase !== phases.at(-1)?.phase) phases.push({ phase: row.phase, ...at });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
let t = performance.now();
const startCpu = { wall: t, node: nodeCpu(), pg: await pgCpu() };
const started = await jobs.start('pult', {}, { source: 'api', sites: 'all' });
const sampler = sample();
await jobs.settled(started.id);
sampling = false;
await sampler;
const end = { phase: 'end', wall: performance.now(), node: nodeCpu(), pg: await pgCpu() };
const seconds = (end.wall - t) / 1000;
const job = await jobs.get(started.id, { source: 'api', sites: 'all' });
console.log(
  `job: ${job.status} in ${fmt(seconds, 1)} s wall; CPU: service process ${fmt(end.node - startCpu.node, 1)} s, ` +
    `PostgreSQL ${fmt(end.pg - startCpu.pg, 1)} s (load average before: ${load}, after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`,
);
const marks = [{ ...startCpu, phase: phases[0]?.phase ?? 'loading' }, ...phases.slice(1), end];
for (let i = 0; i + 1 < marks.length; i++) {
  const [m, n] = [marks[i], marks[i + 1]];
  console.log(
    `  ${m.phase.padEnd(10)} ${fmt((n.wall - m.wall) / 1000, 1).padStart(7)} s wall, ` +
      `CPU node ${fmt(n.node - m.node, 1).padStart(6)} s, PostgreSQL ${fmt(n.pg - m.pg, 1).padStart(6)} s`,
  );
}
console.log(`  report: ${JSON.stringify(job.report)}`);

// ---------------------------------------------------------------- quality

const roots = await em().execute(
  `with recursive up(start, id, depth) as (
     select id, id, 0 from customers
     union all
     select up.start, c.merged_into, up.depth + 1 from up join customers c on c.id = up.id
     where c.merged_into is not null and up.depth < 100
   )
   select distinct on (start) start, id as root from up order by start, depth desc`,
);
const pairs = (groups) => [...groups.values()].reduce((n, g) => n + (g.length * (g.length - 1)) / 2, 0);
const byRoot = new Map();
const byEntity = new Map();
for (const { start, root } of roots) {
  const entity = entityOf.get(start);
  byRoot.set(root, [...(byRoot.get(root) ?? []), entity]);
  byEntity.set(entity, [...(byEntity.get(entity) ?? []), root]);
}
let truePositive = 0;
for (const members of byRoot.values()) {
  const count = new Map();
  for (const e of members) count.set(e, (count.get(e) ?? 0) + 1);
  for (const c of count.values()) truePositive += (c * (c - 1)) / 2;
}
const merged = pairs(byRoot);
const duplicates = pairs(byEntity);
console.log(
  `merges: precision ${fmt(merged ? truePositive / merged : 1, 4)}, recall ${fmt(duplicates ? truePositive / duplicates : 1, 4)} ` +
    `(pairwise: ${fmt(truePositive)} right of ${fmt(merged)} merged, ${fmt(duplicates)} true duplicate pairs)`,
);
if (values.keep) {
  await orm.close(true);
  console.log(`kept database ${db}`);
} else {
  await close();
}
process.exit(0);
