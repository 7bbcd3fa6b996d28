import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot } from '@openretail/testing';

const root = findRepoRoot();
const withDatabase = readdirSync(join(root, 'services')).filter((s) =>
  existsSync(join(root, 'services', s, 'src/migrate.ts')),
);

test('every service has a database with committed migrations', () => {
  assert.deepEqual(withDatabase.sort(), [
    'analytics',
    'customers',
    'delivery',
    'loyalty',
    'messaging',
    'order-gateway',
    'orders',
  ]);
});

for (const service of withDatabase) {
  test(`${service}: the committed migrations produce exactly what its entities describe`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(root, 'services', service, 'dist/migrate.js'),
      'check',
    ]);
    assert.match(stdout, /migrations match the entities/);
  });
}
