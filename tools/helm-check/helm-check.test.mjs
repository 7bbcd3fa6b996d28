import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { readZipEntry } from './lib/zip.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const chartDir = path.resolve(here, '../../helm/openretail');

function runCheck(...args) {
  const result = spawnSync(process.execPath, [path.join(here, 'check.mjs'), ...args], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function withChartCopy(edit) {
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-check-'));
  const chart = path.join(dir, 'openretail');
  cpSync(chartDir, chart, { recursive: true });
  edit(chart);
  return { chart, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function replaceIn(file, from, to) {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} should contain ${from}`);
  writeFileSync(file, text.replaceAll(from, to));
}

test('the chart passes lint, schemas and invariants for every values scenario', () => {
  const { status, output } = runCheck();
  assert.equal(status, 0, output);
  assert.match(output, /^helm-check: \d+ passed, 0 failed$/m);
  assert.match(output, /strimzi \+ cloudnativepg: \d+ manifests/);
});

test('the check reports a broken chart', () => {
  const { chart, cleanup } = withChartCopy((dir) => {
    const templates = path.join(dir, 'charts/common/templates/_service.tpl');
    replaceIn(templates, 'path: /health/ready', 'path: /health/readyz');
    replaceIn(path.join(dir, 'values.yaml'), 'readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true');
    replaceIn(path.join(dir, 'values.yaml'), 'ghcr.io/openretail/openretail', 'docker.io/bitnami/openretail');
    // The gateway's API keys live in its database: without one it has no DATABASE_URL nor migrations.
    replaceIn(
      path.join(dir, 'charts/order-gateway/values.yaml'),
      'name: openretail_order_gateway',
      'enabled: false',
    );
    // A hand edit of the generated topic list.
    replaceIn(path.join(dir, 'files/topics.json'), '"partitions": 12', '"partitions": 6');
  });
  try {
    const { status, output } = runCheck('--chart', chart);
    assert.equal(status, 1, output);
    assert.match(output, /readinessProbe must GET \/health\/ready on port http, got \/health\/readyz/);
    assert.match(output, /'"readOnlyRootFileSystem"' does not exist in type 'ISecurityContext'/);
    assert.match(output, /uses a Bitnami image docker\.io\/bitnami\/openretail/);
    assert.match(output, /Job\/openretail-order-gateway-migrate: missing/);
    assert.match(output, /Deployment\/openretail-order-gateway: DATABASE_URL missing/);
    assert.match(
      output,
      /topics\.json differs from the topic registry .*order-events\.v1\.partitions is 6, registry says 12.*npm run topics:sync/,
    );
    assert.match(output, /^helm-check: \d+ passed, [1-9]\d* failed$/m);
  } finally {
    cleanup();
  }
});

test('readZipEntry extracts stored and deflated entries and names a missing one', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-check-zip-'));
  try {
    const zipPath = path.join(dir, 'test.zip');
    writeFileSync(
      zipPath,
      buildZip([
        { name: 'a/stored.txt', data: Buffer.from('plain bytes'), method: 0 },
        { name: 'b/deflated.bin', data: Buffer.alloc(5000, 'x'), method: 8 },
      ]),
    );
    assert.equal(readZipEntry(zipPath, 'a/stored.txt').toString(), 'plain bytes');
    assert.deepEqual(readZipEntry(zipPath, 'b/deflated.bin'), Buffer.alloc(5000, 'x'));
    assert.throws(() => readZipEntry(zipPath, 'helm/helm'), /no entry helm\/helm/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A minimal ZIP writer (no CRCs: the reader does not check them). */
function buildZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data, method } of entries) {
    const body = method === 8 ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
