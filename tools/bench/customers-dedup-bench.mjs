#!/usr/bin/env node
// Quality and speed of the customers identity-resolution engine on a labelled synthetic base
// (customers-data.mjs). A benchmark, not a test: it prints figures and asserts nothing.
//
//   npx nx build customers && node tools/bench/customers-dedup-bench.mjs [--n 1000000] [--seed 1]
//     [--queries 10000] [--input base.ndjson] [--pg] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]
//     [--config site-override.json] [--estimate-u] [--threads 0]
//
// 1. Batch: normalises the n records, builds the blocking index, scans every candidate pair and
//    clusters the automatic merges, as the customers batch job does (without its database writes),
//    and prints precision, recall and F1, pairwise against the labels, of the automatic merges
//    (every pair inside one cluster) and of the suggestions, with the time of each step.
// 2. One record: matches --queries further records of the same generated population (some are
//    customers the base holds, some new) against the n-record base, one at a time: normalise, find
//    the candidates by blocking key, score them. Prints latency percentiles and the decisions'
//    quality. With --pg the candidates come from PostgreSQL instead, as in the service: a throw-away
//    database matchbench_<pid> with the keys table (site, key, customer_id) indexed and the
//    normalised profiles, loaded with COPY and dropped at the end.
//
// --threads N: the scan also runs on N worker threads (scanInParallel); 0, the default, is one thread.
// --config applies a site override (JSON, see match-config.ts) over the defaults; --estimate-u
// replaces the configured u probabilities by those estimated from the base itself (estimateU).
//
// --input reads a base written by customers-generate.mjs (its last --queries records are the
// queries) instead of generating one.
import { spawn } from 'node:child_process';
import console from 'node:console';
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { generateCustomers } from './customers-data.mjs';

const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    queries: { type: 'string', default: '10000' },
    input: { type: 'string' },
    pg: { type: 'boolean', default: false },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    config: { type: 'string' },
    'estimate-u': { type: 'boolean', default: false },
    threads: { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  const usage = readFileSync(new URL(import.meta.url), 'utf8')
    .split('\n')
    .slice(1, 25);
  console.log(usage.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

let engine;
try {
  engine = require('../../services/customers/dist/matching/index.js');
} catch {
  console.error('bench: build the engine first: npx nx build customers');
  process.exit(2);
}
const {
  DedupJob,
  blockingKeys,
  compileModel,
  estimateU,
  matchOne,
  normaliseRecord,
  resolveMatchConfig,
  scanInParallel,
} = engine;

const n = Number(values.n);
const queryCount = Number(values.queries);
const override = values.config ? JSON.parse(readFileSync(values.config, 'utf8')) : {};
let config = resolveMatchConfig(override);
let model = compileModel(config);
const REGION = { defaultRegion: 'RU' };
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const secs = (ms) => `${fmt(ms / 1000, 1)} s`;
const mem = () => `${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB heap`;
const now = () => performance.now();
/** Wall and CPU time since the call: the machine is shared, so CPU time says what the work cost. */
function stopwatch() {
  const wall = now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}
const timing = ({ ms, cpuMs }) => `${secs(ms).padStart(7)} (CPU ${secs(cpuMs)})`;

// ---------------------------------------------------------------- data

let t = now();
let all;
if (values.input) {
  all = [];
  for await (const line of createInterface({ input: createReadStream(values.input) }))
    if (line) all.push(JSON.parse(line));
} else {
  all = generateCustomers({ n: n + queryCount, seed: Number(values.seed) });
}
const baseRaw = all.slice(0, all.length - queryCount);
const queries = all.slice(all.length - queryCount);
all = undefined;
console.log(
  `data: ${fmt(baseRaw.length)} records + ${fmt(queries.length)} queries (${secs(now() - t)} to ${values.input ? 'read' : 'generate'})`,
);

const entityOf = Int32Array.from(baseRaw, (r) => r.entity);

// ---------------------------------------------------------------- batch

console.log('\nbatch');
const batchTime = stopwatch();
let phase = stopwatch();
const records = new Array(baseRaw.length);
for (let i = 0; i < baseRaw.length; i++) records[i] = normaliseRecord(baseRaw[i], REGION);
const normaliseTime = phase();
baseRaw.length = 0;
console.log(
  `  normalise  ${timing(normaliseTime)}  ${fmt(records.length / (normaliseTime.ms / 1000))} records/s`,
);

if (values['estimate-u']) {
  phase = stopwatch();
  config = resolveMatchConfig({ ...override, fields: estimateU(records, model).fields });
  model = compileModel(config);
  console.log(`  estimate u ${timing(phase())}  from 200,000 random pairs of the base`);
}

phase = stopwatch();
const job = new DedupJob(records, model);
console.log(
  `  index      ${timing(phase())}  (${fmt(job.index.hash.length)} keys, ${fmt(job.index.oversized.blocks)} blocks over ${config.blocking.maxBlockSize} skipped, ${mem()})`,
);

phase = stopwatch();
let lastPrint = 0;
const autoPairs = [];
const suggestions = [];
const threads = Number(values.threads);
const scanOptions = {
  chunkSize: 20_000,
  onChunk: ({ pairs }) => {
    for (const p of pairs) (p.decision === 'auto-merge' ? autoPairs : suggestions).push(p);
  },
  onProgress: (p) => {
    if (p.elapsedSeconds - lastPrint < 5 && p.done < p.total) return;
    lastPrint = p.elapsedSeconds;
    console.log(
      `  … ${fmt(p.done)}/${fmt(p.total)} records, ${fmt(p.rate)}/s, ${fmt(p.pairsScored)} pairs scored, eta ${fmt(p.etaSeconds)} s`,
    );
  },
};
const report =
  threads > 0 ? await scanInParallel(job, { ...scanOptions, threads }) : await job.scan(scanOptions);
const scanTime = phase();
console.log(
  `  scan       ${timing(scanTime)}  ${fmt(report.pairsScored)} pairs scored (${fmt(report.pairsScored / (scanTime.ms / 1000))}/s); ${fmt(report.autoMerge)} auto, ${fmt(report.suggest)} suggest`,
);

phase = stopwatch();
const { clusters, refused } = job.cluster(autoPairs);
console.log(
  `  cluster    ${timing(phase())}  ${fmt(clusters.length)} clusters, ${fmt(refused.length)} unions refused`,
);
console.log(
  `  total      ${timing(batchTime())}  ${mem()}, rss ${fmt(process.memoryUsage().rss / 2 ** 20)} MiB`,
);

// The service keeps every profile's normalised record (JSON), so its batch job reads those instead
// of normalising: what reading them back costs, in place of the normalise step.
{
  const stored = records.map((r) => JSON.stringify(r));
  const read = stopwatch();
  const parsed = stored.map((json) => JSON.parse(json));
  console.log(
    `  read back  ${timing(read())}  JSON.parse of ${fmt(parsed.length)} stored normalised records`,
  );
}

// ---------------------------------------------------------------- batch quality

const position = new Map(records.map((r, i) => [r.id, i]));
const entitySizes = new Map();
for (const e of entityOf) entitySizes.set(e, (entitySizes.get(e) ?? 0) + 1);
let truePairs = 0;
for (const k of entitySizes.values()) truePairs += (k * (k - 1)) / 2;

let predicted = 0;
let correct = 0;
const clusterOf = new Int32Array(records.length).fill(-1);
clusters.forEach((c, ci) => {
  predicted += (c.members.length * (c.members.length - 1)) / 2;
  const counts = new Map();
  for (const id of c.members) {
    const i = position.get(id);
    clusterOf[i] = ci;
    counts.set(entityOf[i], (counts.get(entityOf[i]) ?? 0) + 1);
  }
  for (const k of counts.values()) correct += (k * (k - 1)) / 2;
});
const prf = (tp, pred, truth) => {
  const p = pred === 0 ? 1 : tp / pred;
  const r = truth === 0 ? 1 : tp / truth;
  return { p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
};
const auto = prf(correct, predicted, truePairs);

// Suggestions: pairs not already inside one cluster. Precision over them; recall of what a manager
// could reach: true pairs merged automatically or suggested.
let suggested = 0;
let suggestedTrue = 0;
for (const p of [...suggestions, ...refused]) {
  if (clusterOf[p.a] >= 0 && clusterOf[p.a] === clusterOf[p.b]) continue;
  suggested++;
  if (entityOf[p.a] === entityOf[p.b]) suggestedTrue++;
}
const sugg = prf(suggestedTrue, suggested, truePairs - correct);
const reach = (correct + suggestedTrue) / truePairs;

console.log('\nquality (pairwise, against the labels)');
console.log(
  `  true duplicate pairs     ${fmt(truePairs)} (${fmt(entitySizes.size)} customers in ${fmt(records.length)} records)`,
);
console.log(
  `  automatic merges         precision ${fmt(auto.p, 4)}  recall ${fmt(auto.r, 4)}  F1 ${fmt(auto.f1, 4)}  (${fmt(predicted)} pairs, ${fmt(predicted - correct)} wrong)`,
);
console.log(
  `  suggestions              precision ${fmt(sugg.p, 4)}  recall ${fmt(sugg.r, 4)}  F1 ${fmt(sugg.f1, 4)}  (${fmt(suggested)} pairs; recall of the pairs not merged)`,
);
console.log(`  merged or suggested      recall ${fmt(reach, 4)}`);

// ---------------------------------------------------------------- one record at a time

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
function latencyLine(label, samples) {
  const s = Float64Array.from(samples).sort();
  console.log(
    `  ${label.padEnd(22)} p50 ${fmt(percentile(s, 0.5), 3)} ms  p95 ${fmt(percentile(s, 0.95), 3)} ms  p99 ${fmt(percentile(s, 0.99), 3)} ms  max ${fmt(s[s.length - 1], 3)} ms`,
  );
}

/** Decision quality of single matches: attached to the right customer, or wrongly. */
function matchQuality(outcomes) {
  let inBase = 0;
  let attachedRight = 0;
  let attachedWrong = 0;
  let suggestedRight = 0;
  for (const { query, result, candidateEntity } of outcomes) {
    const known = entitySizes.has(query.entity);
    if (known) inBase++;
    if (result.decision === 'auto-merge') {
      if (candidateEntity(result.best.bId) === query.entity) attachedRight++;
      else attachedWrong++;
    } else if (result.decision === 'suggest' && candidateEntity(result.best.bId) === query.entity)
      suggestedRight++;
  }
  const attached = attachedRight + attachedWrong;
  console.log(
    `  decisions              ${fmt(inBase)} of ${fmt(outcomes.length)} queries are customers of the base; attached ${fmt(attached)} (precision ${fmt(attached ? attachedRight / attached : 1, 4)}, recall ${fmt(attachedRight / Math.max(inBase, 1), 4)}), suggested right ${fmt(suggestedRight)}`,
  );
}

console.log(`\none record against ${fmt(records.length)} (in memory: candidates from the blocking index)`);
const memEntity = (id) => entityOf[position.get(id)];
const tf = engine.termFrequencies(engine.countTermFrequencies(records));
for (let i = 0; i < Math.min(500, queries.length); i++) matchInMemory(queries[i]); // warm-up
const memLatency = [];
const memOutcomes = [];
for (const query of queries) {
  const started = now();
  const result = matchInMemory(query);
  memLatency.push(now() - started);
  memOutcomes.push({ query, result, candidateEntity: memEntity });
}
latencyLine('latency', memLatency);
matchQuality(memOutcomes);

function matchInMemory(query) {
  const incoming = normaliseRecord(query, REGION);
  const seen = new Set();
  const candidates = [];
  for (const key of blockingKeys(incoming, config)) {
    for (const i of job.index.recordsWithKey(key)) {
      if (!seen.has(i)) {
        seen.add(i);
        candidates.push(records[i]);
      }
    }
  }
  return matchOne(incoming, candidates, model, tf);
}

if (values.pg) await pgBench();

// ---------------------------------------------------------------- PostgreSQL

async function pgBench() {
  const { Client } = require('pg');
  const dbName = `matchbench_${process.pid}`;
  const admin = new Client({ connectionString: values['pg-url'] });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(values['pg-url']);
  url.pathname = `/${dbName}`;
  const db = new Client({ connectionString: url.toString() });
  try {
    await db.connect();
    console.log(
      `\none record against ${fmt(records.length)} (PostgreSQL: candidates from the keys table, database ${dbName})`,
    );
    // The customers service's tables (see its identity-resolution migration), with UUID ids.
    await db.query(`
      create table customer_match_keys (site text not null, key text not null, customer_id uuid not null);
      create table customer_match_records (customer_id uuid not null, site text not null, record jsonb not null);`);
    const uuidOf = (id) => `00000000-0000-7000-8000-${id.slice(1).padStart(12, '0')}`;
    t = now();
    await copy(url, 'customer_match_records (customer_id, site, record)', function* () {
      for (const r of records) yield `${uuidOf(r.id)}\t${r.site}\t${escape(JSON.stringify(r))}\n`;
    });
    await copy(url, 'customer_match_keys (site, key, customer_id)', function* () {
      for (const r of records)
        for (const key of blockingKeys(r, config)) yield `${r.site}\t${escape(key)}\t${uuidOf(r.id)}\n`;
    });
    // The primary keys after the load: one sort each instead of a million index insertions.
    await db.query(`
      set maintenance_work_mem = '512MB';
      alter table customer_match_keys add primary key (site, key, customer_id);
      alter table customer_match_records add primary key (customer_id);
      analyze customer_match_keys; analyze customer_match_records;`);
    const loadMs = now() - t;
    const { rows } = await db.query(
      `select pg_size_pretty(pg_total_relation_size('customer_match_keys')) as keys,
              pg_size_pretty(pg_total_relation_size('customer_match_records')) as records,
              (select count(*) from customer_match_keys) as n`,
    );
    console.log(
      `  load                   ${secs(loadMs)} (COPY, primary key, analyze): ${fmt(Number(rows[0].n))} keys (${rows[0].keys}), records ${rows[0].records}`,
    );
    const limit = config.blocking.maxBlockSize;
    const variants = {
      // Each key's block read up to one row past the limit, so a huge block costs no more than a
      // small one, then the candidates' records: one round trip.
      'per-key limit': `
        select r.record from customer_match_records r where r.customer_id in (
          select k.customer_id from unnest($2::text[]) as q(key)
          cross join lateral (
            select customer_id, count(*) over () as n from (
              select customer_id from customer_match_keys where site = $1 and key = q.key limit $3 + 1) x) k
          where k.n <= $3)`,
      // Every row of every key, blocks over the limit dropped after counting them all.
      'whole blocks': `
        with hits as (
          select m.key, m.customer_id from customer_match_keys m where m.site = $1 and m.key = any($2::text[])
        ), usable as (select key from hits group by key having count(*) <= $3)
        select r.record from customer_match_records r
        where r.customer_id in (select h.customer_id from hits h join usable u on u.key = h.key)`,
    };
    const sample = queries.slice(0, Math.min(queries.length, 3000));
    // A placeholder phone held by 50,000 profiles, the case that tells the two queries apart.
    const placeholder = '+79999999999';
    await copy(url, 'customer_match_keys (site, key, customer_id)', function* () {
      for (let i = 0; i < 50_000; i++) yield `pult\tp:${placeholder}\t${uuidOf(`x${9_000_000 + i}`)}\n`;
    });
    for (const [name, text] of Object.entries(variants)) {
      const statement = { name, text };
      const run = async (query) => {
        const incoming = normaliseRecord(query, REGION);
        const res = await db.query({
          ...statement,
          values: [query.site, blockingKeys(incoming, config), limit],
        });
        return matchOne(
          incoming,
          res.rows.map((row) => row.record),
          model,
          tf,
        );
      };
      for (const q of sample.slice(0, 300)) await run(q); // warm-up: plan, caches
      const latency = [];
      const outcomes = [];
      for (const query of sample) {
        const started = now();
        const result = await run(query);
        latency.push(now() - started);
        outcomes.push({ query, result, candidateEntity: memEntity });
      }
      latencyLine(name, latency);
      const withPlaceholder = [];
      for (const query of sample.slice(0, 300)) {
        const started = now();
        await run({ ...query, phones: [...(query.phones ?? []), placeholder] });
        withPlaceholder.push(now() - started);
      }
      latencyLine(`${name}, +placeholder`, withPlaceholder);
      if (name === 'per-key limit') matchQuality(outcomes);
    }
  } finally {
    await db.end().catch(() => {});
    await admin.query(`drop database if exists ${dbName}`);
    await admin.end();
  }
}

function escape(s) {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** COPY … FROM STDIN through psql, fed by a generator of lines. */
function copy(url, target, lines) {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      ['-q', '-v', 'ON_ERROR_STOP=1', url.toString(), '-c', `copy ${target} from stdin`],
      {
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    psql.on('error', reject);
    psql.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql copy ${target} exited ${code}`)),
    );
    const it = lines();
    const pump = () => {
      for (;;) {
        let chunk = '';
        for (let i = 0; i < 5000; i++) {
          const next = it.next();
          if (next.done) {
            psql.stdin.end(chunk);
            return;
          }
          chunk += next.value;
        }
        if (!psql.stdin.write(chunk)) return psql.stdin.once('drain', pump);
      }
    };
    pump();
  });
}
