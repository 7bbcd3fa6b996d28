import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionDeniedError, UnauthenticatedError, ValidationError } from '@openretail/contracts';
import { generateApiKeySecret, hashApiKeySecret, verifyApiKeySecret } from '../api-keys/api-key-secret';
import { Authenticator, type AccessStore, type StoredKey, type StoredUser } from './authenticator';

const anna: StoredUser = {
  id: '0190f1a2-0000-7000-8000-000000000001',
  login: 'anna',
  groups: ['managers'],
  active: true,
};
const boris: StoredUser = {
  id: '0190f1a2-0000-7000-8000-000000000002',
  login: 'boris',
  groups: [],
  active: false,
};

/** Keys and users in a list: the rules under test are the authenticator's, not the database's. */
function store(keys: (StoredKey & { secret: string })[]) {
  const calls = { keys: 0, users: 0 };
  const access: AccessStore = {
    async findKey(prefix, secret) {
      calls.keys++;
      const found = keys.find((k) => k.secret.startsWith(prefix) && verifyApiKeySecret(secret, k.hash));
      return found && { ...found }; // a copy, like a row read from the database
    },
    async findUser(ref) {
      calls.users++;
      return [anna, boris].find((u) => u.id === ref || u.login === ref);
    },
  };
  return { access, calls };
}

function key(over: Partial<StoredKey> = {}) {
  const secret = generateApiKeySecret();
  return {
    secret,
    id: `id-${secret.slice(4, 10)}`,
    name: 'shop',
    hash: hashApiKeySecret(secret),
    permissions: [],
    sites: ['pult'],
    ...over,
  } as StoredKey & { secret: string };
}

const rejectsWith = (p: Promise<unknown>, type: new (...a: never[]) => Error, message: RegExp) =>
  assert.rejects(p, (e: Error) => e instanceof type && message.test(e.message));

test('the key comes from X-API-Key or a Bearer token and becomes the principal', async () => {
  const shop = key({ permissions: ['orders:read'], rateLimit: { rps: 5 } });
  const auth = new Authenticator(store([shop]).access, { cacheTtlMs: 5000 });
  for (const credentials of [
    { apiKey: shop.secret },
    { authorization: `Bearer ${shop.secret}` },
    { authorization: `bearer  ${shop.secret} ` },
  ]) {
    const { principal, rateLimit } = await auth.authenticate(credentials);
    assert.equal(principal.keyId, shop.id);
    assert.equal(principal.keyName, 'shop');
    assert.deepEqual([...principal.permissions], ['orders:read']);
    assert.deepEqual(principal.sites, ['pult']);
    assert.equal(principal.user, undefined);
    assert.deepEqual(rateLimit, { rps: 5 });
  }
  const same = await auth.authenticate({ apiKey: shop.secret, authorization: `Bearer ${shop.secret}` });
  assert.equal(same.principal.keyId, shop.id);
});

test('missing, malformed, unknown, conflicting and revoked keys are refused with a reason', async () => {
  const revoked = key({ revokedAt: new Date() });
  const auth = new Authenticator(store([revoked]).access, { cacheTtlMs: 5000 });
  await rejectsWith(auth.authenticate({}), UnauthenticatedError, /API key is required.*X-API-Key/);
  await rejectsWith(auth.authenticate({ apiKey: '  ' }), UnauthenticatedError, /required/);
  await rejectsWith(auth.authenticate({ authorization: 'Basic abc' }), UnauthenticatedError, /Bearer <key>/);
  await rejectsWith(auth.authenticate({ apiKey: 'hunter2' }), UnauthenticatedError, /not valid/);
  await rejectsWith(auth.authenticate({ apiKey: generateApiKeySecret() }), UnauthenticatedError, /not valid/);
  await rejectsWith(
    auth.authenticate({ apiKey: revoked.secret, authorization: `Bearer ${generateApiKeySecret()}` }),
    UnauthenticatedError,
    /different keys/,
  );
  await rejectsWith(auth.authenticate({ apiKey: revoked.secret }), UnauthenticatedError, /revoked/);
});

test('lookups are cached for the TTL, unknown keys too; forget() drops the cache', async () => {
  let now = 0;
  const shop = key();
  const { access, calls } = store([shop]);
  const auth = new Authenticator(access, { cacheTtlMs: 5000, now: () => now });
  const unknown = generateApiKeySecret();
  for (let i = 0; i < 3; i++) {
    await auth.authenticate({ apiKey: shop.secret });
    await assert.rejects(auth.authenticate({ apiKey: unknown }));
  }
  assert.equal(calls.keys, 2);
  shop.revokedAt = new Date(); // revoked by another replica
  now = 4999;
  await auth.authenticate({ apiKey: shop.secret });
  now = 5000;
  await rejectsWith(auth.authenticate({ apiKey: shop.secret }), UnauthenticatedError, /revoked/);
  shop.revokedAt = undefined;
  auth.forget();
  await auth.authenticate({ apiKey: shop.secret });
  assert.equal(calls.keys, 4);
});

test('a key bound to a user acts as that user, and stops working when the user is deactivated', async () => {
  const annas = key({ user: anna });
  const borisKey = key({ user: boris });
  const auth = new Authenticator(store([annas, borisKey]).access, { cacheTtlMs: 5000 });
  const { principal } = await auth.authenticate({ apiKey: annas.secret });
  assert.deepEqual(principal.user, { id: anna.id, login: 'anna', groups: ['managers'] });
  await rejectsWith(
    auth.authenticate({ apiKey: borisKey.secret }),
    UnauthenticatedError,
    /'boris'.*deactivated/,
  );
});

test('X-Acting-User needs act-as-user and names an active user by id or login', async () => {
  const integration = key({ permissions: ['orders:write', 'act-as-user'] });
  const plain = key({ permissions: ['orders:write'] });
  const { access, calls } = store([integration, plain]);
  const auth = new Authenticator(access, { cacheTtlMs: 5000 });
  const { principal } = await auth.authenticate({ apiKey: integration.secret });
  assert.deepEqual((await auth.actAs(principal, 'ANNA')).user, {
    id: anna.id,
    login: 'anna',
    groups: ['managers'],
  });
  assert.equal((await auth.actAs(principal, anna.id.toUpperCase())).user?.login, 'anna');
  assert.equal(principal.user, undefined, 'the key principal itself is unchanged');
  await rejectsWith(auth.actAs(principal, 'boris'), ValidationError, /no active user.*'boris'/);
  await rejectsWith(auth.actAs(principal, 'nobody'), ValidationError, /'nobody'/);
  const field = await auth.actAs(principal, 'nobody').catch((e: ValidationError) => e.violations[0].field);
  assert.equal(field, 'X-Acting-User');
  await auth.actAs(principal, 'anna');
  assert.equal(calls.users, 4, 'anna, ANNA’s id, boris, nobody: each looked up once');

  const { principal: withoutPermission } = await auth.authenticate({ apiKey: plain.secret });
  await rejectsWith(auth.actAs(withoutPermission, 'anna'), PermissionDeniedError, /'act-as-user'/);
});
