import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from './group-commit';

/** A write that records its batches and answers when told to. */
function recorder(answer: (item: number) => number | Error = (n) => n * 10) {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const write = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((open) => gates.push(open));
    return items.map(answer);
  };
  const openAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, write, openAll, gates };
}

/** Lets pending callbacks and the batcher's setImmediate run. */
const tick = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('GroupCommit', () => {
  test('a lone item is written at once, in a batch of its own', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.write, { maxBatch: 10, maxInFlight: 1 });
    const result = commit.submit(1);
    await tick();
    assert.deepEqual(r.batches, [[1]]);
    await r.openAll();
    assert.equal(await result, 10);
  });

  test('items arriving while a batch is in flight go together in the next one, in order', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.write, { maxBatch: 10, maxInFlight: 1 });
    const first = commit.submit(1);
    await tick();
    const later = [2, 3, 4].map((n) => commit.submit(n));
    await tick();
    assert.deepEqual(r.batches, [[1]], 'the second batch waits for the slot');
    r.gates.shift()!();
    await first;
    await tick();
    assert.deepEqual(r.batches, [[1], [2, 3, 4]]);
    await r.openAll();
    assert.deepEqual(await Promise.all(later), [20, 30, 40]);
  });

  test('batches are cut at maxBatch and run up to maxInFlight at once', async () => {
    const r = recorder();
    const commit = new GroupCommit(r.write, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    await tick();
    assert.deepEqual(r.batches, [
      [1, 2],
      [3, 4],
    ]);
    await r.openAll();
    await r.openAll();
    assert.deepEqual(r.batches.at(-1), [5]);
    assert.deepEqual(await Promise.all(all), [10, 20, 30, 40, 50]);
  });

  test('an Error answered for one item rejects that item only', async () => {
    const r = recorder((n) => (n === 2 ? new Error('two is bad') : n));
    const commit = new GroupCommit(r.write, { maxBatch: 10, maxInFlight: 1 });
    const results = Promise.allSettled([1, 2, 3].map((n) => commit.submit(n)));
    await tick();
    await r.openAll();
    const settled = await results;
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      [1, 'two is bad', 3],
    );
  });

  test('when the batch write throws, every item is retried alone so only the poisoned one fails', async () => {
    const batches: number[][] = [];
    const commit = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (items.includes(2)) throw new Error('statement failed');
        return items;
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((n) => commit.submit(n)));
    assert.deepEqual(batches, [[1, 2, 3], [1], [2], [3]]);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(((settled[1] as PromiseRejectedResult).reason as Error).message, 'statement failed');
  });

  test('a write that answers the wrong number of items fails loudly', async () => {
    const commit = new GroupCommit<number, number>(async () => [], { maxBatch: 10, maxInFlight: 1 });
    await assert.rejects(commit.submit(1), /answered 0 of 1/);
  });
});
