import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LastUsedRecorder } from './last-used-recorder';

test('last use is written at most once a minute per key, without waiting for the write', async () => {
  let now = 120_000;
  const writes: [string, number, number][] = [];
  const recorder = new LastUsedRecorder(
    async (id, at, olderThan) => void writes.push([id, at.getTime(), olderThan.getTime()]),
    (e) => assert.fail(String(e)),
    { now: () => now },
  );
  recorder.used('a');
  recorder.used('a');
  recorder.used('b', new Date(now - 30_000)); // the database saw b 30 s ago
  now += 59_999;
  recorder.used('a');
  now += 1;
  recorder.used('a');
  await recorder.flush();
  assert.deepEqual(writes, [
    ['a', 120_000, 60_000],
    ['a', 180_000, 120_000],
  ]);
});

test('a failed write is reported and tried again with the next use', async () => {
  const errors: unknown[] = [];
  let fail = true;
  let written = 0;
  const recorder = new LastUsedRecorder(
    async () => {
      if (fail) throw new Error('db down');
      written++;
    },
    (e) => errors.push(e),
  );
  recorder.used('a');
  await recorder.flush();
  assert.equal(errors.length, 1);
  fail = false;
  recorder.used('a');
  await recorder.flush();
  assert.equal(written, 1);
});
