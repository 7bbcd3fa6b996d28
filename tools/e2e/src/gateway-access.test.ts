import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type RunningService } from '@openretail/service-runtime';
import { waitFor } from '@openretail/testing';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { ordersServiceDefinition } from '@openretail/svc-orders/dist/service';
import { TEST_ADMIN_KEY, authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';

interface ErrorJson {
  error: { code: string; message: string; fields?: { field: string; reason: string }[] };
}
interface UserJson {
  id: string;
  login: string;
  groups: string[];
  active: boolean;
}
interface KeyJson {
  id: string;
  name: string;
  prefix: string;
  sites: 'all' | string[];
  secret?: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface MeJson {
  keyName: string;
  permissions: string[];
  sites: 'all' | string[];
  user: { id: string; login: string; groups: string[] } | null;
}

describe('gateway access: API keys, permissions, users, limits', () => {
  let platform: TestPlatform;
  let orders: RunningService;
  let gateway: RunningService;
  const url = (path: string, on: RunningService = gateway) => `http://127.0.0.1:${on.httpPort}${path}`;
  /** A JSON call; `key` null sends no key at all. */
  const call = async <T = ErrorJson>(
    method: string,
    path: string,
    {
      key = TEST_ADMIN_KEY,
      body,
      headers = {},
      on,
    }: {
      key?: string | null;
      body?: unknown;
      headers?: Record<string, string>;
      on?: RunningService;
    } = {},
  ) => {
    const res = await fetch(url(path, on), {
      method,
      headers: {
        ...(key === null ? {} : authHeaders(key)),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  };
  const fieldsOf = (error: ErrorJson) =>
    Object.fromEntries((error.error.fields ?? []).map((f) => [f.field, f.reason]));
  const createKey = async (body: Record<string, unknown>, key = TEST_ADMIN_KEY) => {
    const res = await call<KeyJson>('POST', '/v1/api-keys', { key, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as KeyJson & { secret: string };
  };
  const createUser = async (body: Record<string, unknown>) => {
    const res = await call<UserJson>('POST', '/v1/users', { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  before(async () => {
    platform = await createTestPlatform('access', ['orders', 'order-gateway']);
    orders = await startService(ordersServiceDefinition, { env: platform.env('orders') });
    gateway = await startGateway(
      platform.env('order-gateway', { ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}` }),
    );
    const saved = await call('PUT', '/v1/reference-data', { body: demoPult });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  });
  after(async () => {
    for (const s of [gateway, orders]) await s?.close();
    await platform?.close();
  });

  test('no key, a malformed or unknown key is a 401 saying what is wrong; probes need no key', async () => {
    const none = await call('GET', '/v1/reference-data', { key: null });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthenticated');
    assert.match(none.body.error.message, /X-API-Key: <key> or Authorization: Bearer <key>/);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);

    const unknown = await call('GET', '/v1/reference-data', { key: `ork_${'x'.repeat(40)}` });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error.message, 'the API key is not valid');
    const basic = await call('GET', '/v1/reference-data', {
      key: null,
      headers: { Authorization: 'Basic YQ==' },
    });
    assert.equal(basic.status, 401);
    assert.match(basic.body.error.message, /Bearer <key>/);
    const bearer = await call<MeJson>('GET', '/v1/me', {
      key: null,
      headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    assert.equal(bearer.status, 200);
    assert.equal(bearer.body.keyName, 'bootstrap-admin');
    assert.equal(bearer.body.sites, 'all');

    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      assert.equal((await fetch(url(path))).status, 200, path);
    }
  });

  test('users: created, listed, read, changed; unknown group codes refused by name', async () => {
    const bad = await call('POST', '/v1/users', {
      body: { login: 'x', name: '', groups: ['managers', 'bosses'], colour: 'red' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(fieldsOf(bad.body)).sort(), ['colour', 'login', 'name']);
    const unknownGroup = await call('POST', '/v1/users', {
      body: { login: 'olga', name: 'Ольга', groups: ['managers', 'bosses', 'nobody'] },
    });
    assert.equal(unknownGroup.status, 400);
    assert.deepEqual(fieldsOf(unknownGroup.body), {
      'groups[1]': "unknown user group 'bosses'",
      'groups[2]': "unknown user group 'nobody'",
    });

    const olga = await createUser({
      login: 'Olga',
      name: 'Ольга',
      email: 'olga@example.com',
      groups: ['managers'],
    });
    assert.equal(olga.login, 'olga');
    assert.equal(olga.active, true);
    const taken = await call('POST', '/v1/users', { body: { login: 'olga', name: 'Другая Ольга' } });
    assert.equal(taken.status, 409);

    const got = await call<UserJson>('GET', `/v1/users/${olga.id}`);
    assert.deepEqual(got.body, { ...olga });
    const listed = await call<{ items: UserJson[] }>('GET', '/v1/users?limit=500');
    assert.ok(listed.body.items.some((u) => u.id === olga.id));
    assert.deepEqual(fieldsOf((await call('GET', '/v1/users?limit=0')).body), {
      limit: 'must be at least 1',
    });
    assert.equal((await call('GET', '/v1/users/not-an-id')).status, 400);
    assert.equal((await call('GET', '/v1/users/01a2f3e4-0000-7000-8000-000000000000')).status, 404);

    const badPatch = await call('PATCH', `/v1/users/${olga.id}`, {
      body: { groups: ['accounting', 'cooks'], login: 'o' },
    });
    assert.equal(badPatch.status, 400);
    assert.deepEqual(fieldsOf(badPatch.body), { login: 'is not a known field' });
    const badGroup = await call('PATCH', `/v1/users/${olga.id}`, {
      body: { groups: ['accounting', 'cooks'] },
    });
    assert.deepEqual(fieldsOf(badGroup.body), { 'groups[1]': "unknown user group 'cooks'" });
    const changed = await call<UserJson>('PATCH', `/v1/users/${olga.id}`, {
      body: { groups: ['accounting', 'managers'], active: false },
    });
    assert.equal(changed.status, 200);
    assert.deepEqual([changed.body.groups, changed.body.active], [['accounting', 'managers'], false]);
  });

  test('a key is shown once, stored hashed, listed without its secret, and refused once revoked', async () => {
    const created = await createKey({ name: 'pos', permissions: ['reference-data:read'], sites: ['pult'] });
    assert.match(created.secret, /^ork_[0-9A-Za-z]{40}$/);
    assert.equal(created.prefix, created.secret.slice(0, 12));
    const shown = await call<KeyJson>('GET', `/v1/api-keys/${created.id}`);
    assert.equal(shown.body.secret, undefined);
    assert.equal(JSON.stringify(shown.body).includes(created.secret), false);
    const listed = await call<{ items: KeyJson[] }>('GET', '/v1/api-keys?limit=500');
    assert.ok(listed.body.items.some((k) => k.id === created.id));
    assert.equal(JSON.stringify(listed.body).includes(created.secret.slice(12)), false);

    assert.equal((await call('GET', '/v1/reference-data', { key: created.secret })).status, 200);
    await waitFor(
      async () => (await call<KeyJson>('GET', `/v1/api-keys/${created.id}`)).body.lastUsedAt !== null,
      {
        message: 'last use recorded',
        timeoutMs: 5000,
      },
    );

    const revoked = await call<KeyJson>('DELETE', `/v1/api-keys/${created.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const refused = await call('GET', '/v1/reference-data', { key: created.secret });
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.message, 'the API key has been revoked');
  });

  test('new keys are checked: unknown sites and users named, nothing granted beyond the creator', async () => {
    const bad = await call('POST', '/v1/api-keys', {
      body: {
        name: 'bootstrap-admin',
        permissions: ['orders:read'],
        sites: ['pult', 'elsewhere'],
        userId: '01a2f3e4-0000-7000-8000-000000000000',
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(fieldsOf(bad.body)).sort(), ['name', 'sites[1]', 'userId']);
    assert.equal(fieldsOf(bad.body)['sites[1]'], "unknown site 'elsewhere'");

    // An administrator of one site cannot hand out another site, all sites, or more permissions.
    const siteAdmin = await createKey({
      name: 'pult-admin',
      permissions: ['access:admin', 'orders:read'],
      sites: ['pult'],
    });
    for (const [body, reason] of [
      [{ permissions: ['orders:read'], sites: ['pult-opt'] }, /no access to site 'pult-opt'/],
      [{ permissions: ['orders:read'], sites: 'all' }, /cannot grant access to all sites/],
      [{ permissions: ['orders:write'], sites: ['pult'] }, /lacks the permission 'orders:write'/],
    ] as const) {
      const res = await call('POST', '/v1/api-keys', {
        key: siteAdmin.secret,
        body: { name: 'sub', ...body },
      });
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.match(res.body.error.message, reason);
    }
    await createKey({ name: 'pult-reader', permissions: ['orders:read'], sites: ['pult'] }, siteAdmin.secret);
  });

  test('a key without a permission gets a 403 naming it', async () => {
    const storefront = await createKey({
      name: 'storefront',
      permissions: ['orders:read', 'orders:write', 'reference-data:read'],
      sites: ['pult'],
    });
    assert.equal((await call('GET', '/v1/reference-data', { key: storefront.secret })).status, 200);
    const put = await call('PUT', '/v1/reference-data', { key: storefront.secret, body: demoPult });
    assert.equal(put.status, 403);
    assert.equal(put.body.error.code, 'forbidden');
    assert.match(put.body.error.message, /'reference-data:write'/);
    const admin = await call('GET', '/v1/api-keys', { key: storefront.secret });
    assert.equal(admin.status, 403);
    assert.match(admin.body.error.message, /'access:admin'/);
    const me = await call<MeJson>('GET', '/v1/me', { key: storefront.secret });
    assert.deepEqual(me.body, {
      keyId: storefront.id,
      keyName: 'storefront',
      permissions: ['orders:read', 'orders:write', 'reference-data:read'],
      sites: ['pult'],
      user: null,
    });
  });

  test('acting user: a bound key acts as its user; act-as-user keys name one in X-Acting-User', async () => {
    const anna = await createUser({ login: 'anna', name: 'Анна', groups: ['managers', 'call-centre'] });
    const ivan = await createUser({ login: 'ivan', name: 'Иван', groups: ['purchasing'] });
    const annasKey = await createKey({
      name: 'anna',
      permissions: ['orders:status'],
      sites: 'all',
      userId: anna.id,
    });
    const integration = await createKey({
      name: 'erp',
      permissions: ['orders:status', 'act-as-user'],
      sites: 'all',
    });

    const bound = await call<MeJson>('GET', '/v1/me', { key: annasKey.secret });
    assert.deepEqual(bound.body.user, { id: anna.id, login: 'anna', groups: ['managers', 'call-centre'] });
    const byLogin = await call<MeJson>('GET', '/v1/me', {
      key: integration.secret,
      headers: { 'X-Acting-User': 'IVAN' },
    });
    assert.deepEqual(byLogin.body.user, { id: ivan.id, login: 'ivan', groups: ['purchasing'] });
    const byId = await call<MeJson>('GET', '/v1/me', {
      key: integration.secret,
      headers: { 'X-Acting-User': anna.id },
    });
    assert.equal(byId.body.user?.login, 'anna');
    assert.equal((await call<MeJson>('GET', '/v1/me', { key: integration.secret })).body.user, null);

    const nobody = await call('GET', '/v1/me', {
      key: integration.secret,
      headers: { 'X-Acting-User': 'nobody' },
    });
    assert.equal(nobody.status, 400);
    assert.deepEqual(fieldsOf(nobody.body), { 'X-Acting-User': "no active user with id or login 'nobody'" });
    const notAllowed = await call('GET', '/v1/me', {
      key: annasKey.secret,
      headers: { 'X-Acting-User': 'ivan' },
    });
    assert.equal(notAllowed.status, 403);
    assert.match(notAllowed.body.error.message, /'act-as-user'/);

    // Deactivated: no longer acted as, and the user's own key stops working.
    assert.equal((await call('PATCH', `/v1/users/${anna.id}`, { body: { active: false } })).status, 200);
    const gone = await call('GET', '/v1/me', {
      key: integration.secret,
      headers: { 'X-Acting-User': 'anna' },
    });
    assert.equal(gone.status, 400);
    const ownKey = await call('GET', '/v1/me', { key: annasKey.secret });
    assert.equal(ownKey.status, 401);
    assert.match(ownKey.body.error.message, /'anna', who is deactivated/);
  });

  test('past its burst a key gets 429 with Retry-After; other keys are unaffected', async () => {
    const limited = await createKey({
      name: 'chatty',
      permissions: ['reference-data:read'],
      sites: 'all',
      rateLimit: { rps: 1, burst: 3 },
    });
    const statuses: number[] = [];
    let last: { status: number; headers: Headers; body: ErrorJson } | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call('GET', '/v1/me', { key: limited.secret });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.equal(last!.body.error.code, 'rate_limited');
    assert.match(last!.body.error.message, /1 requests per second, bursts of 3/);
    assert.ok(
      Number(last!.headers.get('retry-after')) >= 1,
      `Retry-After ${last!.headers.get('retry-after')}`,
    );
    assert.equal((await call('GET', '/v1/me')).status, 200, 'the admin key has its own bucket');
  });

  test('a body over the limit is a 413 naming the limit', async () => {
    const big = JSON.stringify({ login: 'big', name: 'x'.repeat(1024 * 1024) });
    const res = await call('POST', '/v1/users', { body: big });
    assert.equal(res.status, 413);
    assert.deepEqual(res.body.error, {
      code: 'payload_too_large',
      message: 'the request body is larger than the limit of 1048576 bytes',
    });
  });

  test('a new bootstrap secret rotates the bootstrap key: the old one stops working', async () => {
    const rotatedKey = `ork_${'R0tated'.repeat(6)}`;
    const second = await startGateway(
      platform.env('order-gateway', {
        ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}`,
        GATEWAY_BOOTSTRAP_ADMIN_KEY: rotatedKey,
      }),
    );
    try {
      assert.equal((await call('GET', '/v1/me', { key: rotatedKey, on: second })).status, 200);
      const old = await call('GET', '/v1/me', { on: second });
      assert.equal(old.status, 401);
      assert.equal(old.body.error.message, 'the API key has been revoked');
    } finally {
      await second.close();
    }
  });
});
