import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionDeniedError } from '@openretail/contracts';
import { PERMISSIONS, isPermission, type Permission } from './permissions';
import {
  assertMayGrant,
  assertPermissions,
  assertSiteAccess,
  canAccessSite,
  type Principal,
} from './principal';

const principal = (over: Partial<Principal> = {}): Principal => ({
  keyId: 'k1',
  keyName: 'storefront',
  permissions: new Set<Permission>(['orders:read', 'orders:write']),
  sites: ['pult'],
  ...over,
});

test('a key scoped to sites reaches only those; an all-sites key reaches every site', () => {
  assert.ok(canAccessSite(principal(), 'pult'));
  assert.equal(canAccessSite(principal(), 'pult-opt'), false);
  assert.ok(canAccessSite(principal({ sites: 'all' }), 'any-site'));
  assert.doesNotThrow(() => assertSiteAccess(principal(), 'pult'));
  assert.throws(
    () => assertSiteAccess(principal(), 'pult-opt'),
    (e) => e instanceof PermissionDeniedError && /storefront/.test(e.message) && /'pult-opt'/.test(e.message),
  );
});

test('a missing permission is named', () => {
  assert.doesNotThrow(() => assertPermissions(principal(), ['orders:read', 'orders:write']));
  assert.doesNotThrow(() => assertPermissions(principal(), []));
  assert.throws(
    () => assertPermissions(principal(), ['orders:read', 'orders:status']),
    (e) => e instanceof PermissionDeniedError && /'orders:status'/.test(e.message),
  );
});

test('a key grants no permission or site it does not hold itself', () => {
  const admin = principal({ permissions: new Set(['access:admin', 'orders:read']), sites: ['pult'] });
  assert.doesNotThrow(() => assertMayGrant(admin, { permissions: ['orders:read'], sites: ['pult'] }));
  assert.throws(
    () => assertMayGrant(admin, { permissions: ['orders:write'], sites: ['pult'] }),
    /'orders:write'/,
  );
  assert.throws(
    () => assertMayGrant(admin, { permissions: ['orders:read'], sites: ['pult-opt'] }),
    /'pult-opt'/,
  );
  assert.throws(() => assertMayGrant(admin, { permissions: ['orders:read'], sites: 'all' }), /all sites/);
  const root = principal({ permissions: new Set(PERMISSIONS), sites: 'all' });
  assert.doesNotThrow(() => assertMayGrant(root, { permissions: [...PERMISSIONS], sites: 'all' }));
});

test('permissions are a closed list', () => {
  assert.ok(isPermission('payments:mark-paid'));
  assert.equal(isPermission('orders:delete'), false);
  assert.equal(PERMISSIONS.length, new Set(PERMISSIONS).size);
});
