import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache } from './ttl-cache';

test('entries live for the TTL; concurrent loads of one key share one load', async () => {
  let now = 0;
  let loads = 0;
  const cache = new TtlCache<string, number>({ ttlMs: 5000, maxEntries: 10, now: () => now });
  const load = async () => ++loads;
  assert.deepEqual(await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]), [1, 1]);
  now = 4999;
  assert.equal(await cache.getOrLoad('k', load), 1);
  now = 5000;
  assert.equal(await cache.getOrLoad('k', load), 2, 'expired');
  cache.clear();
  assert.equal(await cache.getOrLoad('k', load), 3, 'cleared');
});

test('a failed load is not cached; the least recently used entry makes room', async () => {
  const cache = new TtlCache<string, string>({ ttlMs: 1000, maxEntries: 2 });
  await assert.rejects(cache.getOrLoad('k', () => Promise.reject(new Error('db down'))));
  assert.equal(await cache.getOrLoad('k', async () => 'ok'), 'ok');
  await cache.getOrLoad('a', async () => 'a');
  await cache.getOrLoad('k', async () => 'reloaded'); // k is now the most recently used
  await cache.getOrLoad('b', async () => 'b');
  assert.equal(cache.size, 2);
  assert.equal(await cache.getOrLoad('k', async () => 'reloaded'), 'ok', 'k stayed');
  assert.equal(await cache.getOrLoad('a', async () => 'a again'), 'a again', 'a was evicted');
});

test('a TTL of 0 caches nothing', async () => {
  let loads = 0;
  const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10 });
  await cache.getOrLoad('k', async () => ++loads);
  await cache.getOrLoad('k', async () => ++loads);
  assert.equal(loads, 2);
  assert.equal(cache.size, 0);
});
