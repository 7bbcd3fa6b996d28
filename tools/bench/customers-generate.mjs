#!/usr/bin/env node
// Writes a labelled synthetic customer base (see customers-data.mjs) as NDJSON, one profile record a
// line with `entity`, the customer it truly belongs to. The same --n and --seed always give the same
// file.
//
//   node tools/bench/customers-generate.mjs [--n 1000000] [--seed 1] [--site pult] [--out customers.ndjson]
//
// Without --out the records go to standard output. customers-dedup-bench.mjs --input reads the file
// (or generates the same base in memory when given --n and --seed).
import console from 'node:console';
import { createWriteStream } from 'node:fs';
import process from 'node:process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { generateCustomers } from './customers-data.mjs';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    site: { type: 'string', default: 'pult' },
    out: { type: 'string' },
  },
});
const n = Number(values.n);
if (!Number.isInteger(n) || n <= 0) {
  console.error(`generate: --n must be a positive integer, got '${values.n}'`);
  process.exit(2);
}
const records = generateCustomers({ n, seed: Number(values.seed), site: values.site });
const out = values.out ? createWriteStream(values.out) : process.stdout;
for (const record of records) {
  if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
}
if (values.out) {
  out.end();
  await once(out, 'finish');
  const customers = new Set(records.map((r) => r.entity)).size;
  console.error(`generate: ${records.length} records of ${customers} customers written to ${values.out}`);
}
