import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter, TokenBucket } from './token-bucket';

test('a bucket allows its burst at once, then one request per 1/rps seconds', () => {
  const bucket = new TokenBucket({ rps: 2, burst: 3 }, 0);
  for (let i = 0; i < 3; i++) assert.deepEqual(bucket.take(0), { allowed: true });
  assert.deepEqual(bucket.take(0), { allowed: false, retryAfterS: 1 });
  assert.deepEqual(bucket.take(499), { allowed: false, retryAfterS: 1 });
  assert.deepEqual(bucket.take(500), { allowed: true }, 'half a second refills one token at 2/s');
  assert.equal(bucket.take(500).allowed, false);
  // A long pause refills to the burst, no further.
  for (let i = 0; i < 3; i++) assert.equal(bucket.take(60_000).allowed, true);
  assert.equal(bucket.take(60_000).allowed, false);
});

test('Retry-After is the whole seconds until the next token', () => {
  const slow = new TokenBucket({ rps: 0.25, burst: 1 }, 0);
  assert.equal(slow.take(0).allowed, true);
  assert.deepEqual(slow.take(0), { allowed: false, retryAfterS: 4 });
  assert.deepEqual(slow.take(1000), { allowed: false, retryAfterS: 3 });
});

test('the limiter keeps a bucket per key, with the default or the key’s own limit', () => {
  let now = 0;
  const limiter = new RateLimiter({ defaults: { rps: 10, burst: 2 }, now: () => now });
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
  assert.equal(limiter.take('b').allowed, true, 'another key has its own bucket');
  for (let i = 0; i < 5; i++) assert.equal(limiter.take('big', { burst: 5 }).allowed, true);
  assert.equal(limiter.take('big', { burst: 5 }).allowed, false);
  assert.deepEqual(limiter.limitFor({ burst: 5 }), { rps: 10, burst: 5 });
  now = 100;
  assert.equal(limiter.take('a').allowed, true, 'a tenth of a second at 10/s is one token');
});

test('a full limiter forgets full buckets first, so busy keys keep their state', () => {
  let now = 0;
  const limiter = new RateLimiter({ defaults: { rps: 1, burst: 1 }, maxKeys: 2, now: () => now });
  assert.equal(limiter.take('busy').allowed, true);
  assert.equal(limiter.take('idle').allowed, true);
  now = 5000;
  assert.equal(limiter.take('busy').allowed, true);
  assert.equal(limiter.take('new').allowed, true);
  assert.equal(limiter.take('busy').allowed, false, "busy's empty bucket was kept, idle's full one dropped");
});
