import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { parseInput } from '../http-input';
import { createApiKeyBody } from './api-key.schema';

const violations = (input: unknown) => {
  try {
    parseInput(createApiKeyBody, input);
  } catch (e) {
    if (e instanceof ValidationError) return Object.fromEntries(e.violations.map((v) => [v.field, v.reason]));
    throw e;
  }
  assert.fail('expected a ValidationError');
};

test('a key for some sites or for all of them', () => {
  assert.deepEqual(
    parseInput(createApiKeyBody, {
      name: ' shop ',
      permissions: ['orders:read', 'orders:read'],
      sites: ['pult', 'pult'],
    }),
    { name: 'shop', permissions: ['orders:read'], sites: ['pult'] },
  );
  const all = parseInput(createApiKeyBody, {
    name: 'crm',
    permissions: ['orders:write'],
    sites: 'all',
    userId: '0190f1a2-0000-7000-8000-000000000001',
    rateLimit: { rps: 10, burst: 20 },
  });
  assert.equal(all.sites, 'all');
  assert.deepEqual(all.rateLimit, { rps: 10, burst: 20 });
});

test('every bad field of a new key is named', () => {
  assert.deepEqual(
    violations({
      name: '',
      permissions: ['orders:read', 'orders:delete'],
      sites: ['pult', 7],
      userId: 'anna',
      rateLimit: { rps: 0, burst: 1.5 },
      expires: 'never',
    }),
    {
      name: 'is required',
      'permissions[1]': `must be one of orders:read, orders:write, orders:status, orders:payments, payments:mark-paid, reference-data:read, reference-data:write, customers:read, customers:write, customers:merge, segments:read, segments:write, access:admin, act-as-user`,
      'sites[1]': 'must be a site code',
      userId: 'must be a UUID',
      'rateLimit.rps': 'must be at least 1',
      'rateLimit.burst': 'must be a whole number',
      expires: 'is not a known field',
    },
  );
  assert.deepEqual(violations({ name: 'x', permissions: [], sites: [] }), {
    permissions: 'must list at least one permission',
    sites: 'must list at least one site, or be "all"',
  });
  assert.deepEqual(violations({ name: 'x', permissions: ['orders:read'], sites: 'some' }), {
    sites: 'is required: "all" or a list of site codes',
  });
});
