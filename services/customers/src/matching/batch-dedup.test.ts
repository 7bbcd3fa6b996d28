import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DedupJob, type BatchPair, type BatchProgress } from './batch-dedup';
import { scanInParallel } from './parallel-scan';
import { clusterPairs } from './clustering';
import { defaultModel, family, rec } from './test-records';

describe('clusterPairs', () => {
  const never = () => false;

  test('connected components; the smallest position represents each', () => {
    const { root, refused } = clusterPairs(
      6,
      [
        { a: 3, b: 4, weight: 10 },
        { a: 1, b: 3, weight: 20 },
        { a: 0, b: 5, weight: 15 },
      ],
      never,
    );
    assert.deepEqual([...root], [0, 1, 2, 1, 1, 0]);
    assert.deepEqual(refused, []);
  });

  test('a chain is not closed across a contradiction: the weaker link is refused', () => {
    // 0 and 2 are two people sharing 1's phone: 0-1 and 1-2 look like merges, 0-2 contradicts.
    const conflict = (x: number, y: number) => (x === 0 && y === 2) || (x === 2 && y === 0);
    const { root, refused } = clusterPairs(
      3,
      [
        { a: 1, b: 2, weight: 12 },
        { a: 0, b: 1, weight: 30 },
      ],
      conflict,
    );
    assert.deepEqual([...root], [0, 0, 2]);
    assert.deepEqual(refused, [{ a: 1, b: 2, weight: 12 }]);
  });

  test('the same components whatever the order of the pairs', () => {
    const pairs = [
      { a: 0, b: 1, weight: 9 },
      { a: 1, b: 2, weight: 9 },
      { a: 3, b: 4, weight: 7 },
      { a: 2, b: 4, weight: 5 },
    ];
    const conflict = (x: number, y: number) => x + y === 4 && x !== y;
    const first = clusterPairs(5, pairs, conflict);
    const second = clusterPairs(5, [...pairs].reverse(), conflict);
    assert.deepEqual([...first.root], [...second.root]);
    assert.deepEqual(first.refused, second.refused);
  });

  test('no cluster grows beyond maxClusterSize', () => {
    const pairs = Array.from({ length: 9 }, (_, i) => ({ a: i, b: i + 1, weight: 20 - i }));
    const { root, refused } = clusterPairs(10, pairs, never, 4);
    assert.deepEqual([...root].filter((r) => r === 0).length, 4);
    assert.ok(refused.length > 0);
  });
});

/** A small base: Anna three times (one in Latin, one with a new phone), the Ivanov family, a company twice. */
function base() {
  return [
    rec('c01', {
      firstName: 'Анна',
      lastName: 'Петрова',
      phones: ['+79161234567'],
      emails: ['anna@mail.ru'],
      birthday: '1985-03-12',
    }),
    rec('c02', { ...family.father, ...family.home }),
    rec('c03', { firstName: 'Anna', lastName: 'Petrova', phones: ['8 916 123 45 67'] }),
    rec('c04', { ...family.mother, ...family.home }),
    rec('c05', {
      type: 'legal',
      companyName: 'ООО «Ромашка»',
      taxId: '7707083893',
      phones: ['+74950000000'],
    }),
    rec('c06', { firstName: 'Аня', lastName: 'Петрова', phones: ['+79030000000'], emails: ['ANNA@mail.ru'] }),
    rec('c07', { ...family.son, ...family.home }),
    rec('c08', { type: 'legal', companyName: 'Ромашка ООО', taxId: '7707-083-893' }),
    rec('c09', {
      firstName: 'Сергей',
      lastName: 'Иванов',
      phones: ['8 495 123 45 67'],
      birthday: '01.05.1970',
    }),
    rec('c10', { firstName: 'Ольга', lastName: 'Смирнова', phones: ['+79269998877'] }),
  ];
}

async function scanAll(job: DedupJob, from = 0): Promise<BatchPair[]> {
  const pairs: BatchPair[] = [];
  await job.scan({ from, chunkSize: 3, onChunk: (c) => void pairs.push(...c.pairs) });
  return pairs;
}

describe('DedupJob', () => {
  test('finds the duplicate clusters, keeps the family apart, ids are the oldest records', async () => {
    const job = new DedupJob(base(), defaultModel);
    const pairs = await scanAll(job);
    const { clusters, refused } = job.cluster(pairs.filter((p) => p.decision === 'auto-merge'));
    assert.deepEqual(clusters, [
      { id: 'c01', members: ['c01', 'c03', 'c06'] },
      { id: 'c02', members: ['c02', 'c09'] },
      { id: 'c05', members: ['c05', 'c08'] },
    ]);
    assert.deepEqual(refused, []);
    // The Ivanovs share a flat, a phone and a surname, but every two of them contradict in two
    // fields or more (first name, sex, patronymic, birthday): distinct, not even suggested.
    const decisions = new Map(pairs.map((p) => [`${p.aId}-${p.bId}`, p.decision]));
    for (const familyPair of ['c02-c04', 'c02-c07', 'c04-c07', 'c04-c09', 'c07-c09']) {
      assert.equal(decisions.get(familyPair), undefined, familyPair);
    }
  });

  test('every pair comes with its explanation, weighing what the scan weighed', async () => {
    const job = new DedupJob(base(), defaultModel);
    for (const pair of await scanAll(job)) {
      const explained = job.explain(pair);
      assert.equal(explained.aId, pair.aId);
      assert.ok(Math.abs(explained.weight - pair.weight) < 1e-9);
      assert.equal(explained.decision, pair.decision);
    }
  });

  test('resumes where it stopped: an aborted run and its resumption find what one run finds', async () => {
    const whole = await scanAll(new DedupJob(base(), defaultModel));
    const controller = new AbortController();
    const saved: BatchPair[] = [];
    let cursor = 0;
    const first = await new DedupJob(base(), defaultModel).scan({
      chunkSize: 4,
      signal: controller.signal,
      onChunk: (chunk) => {
        saved.push(...chunk.pairs); // the caller persists pairs and cursor together
        cursor = chunk.cursor;
        assert.equal(chunk.lastId, `c0${chunk.cursor}`.replace('c010', 'c10'));
        controller.abort();
      },
    });
    assert.deepEqual({ cursor: first.cursor, finished: first.finished }, { cursor: 4, finished: false });
    const resumed = new DedupJob(base(), defaultModel); // a new process: the index is rebuilt
    const rest = await scanAll(resumed, cursor);
    assert.deepEqual([...saved, ...rest], whole);
    // Slices scanned separately cover the same ground.
    const sliced = new DedupJob(base(), defaultModel);
    const parts: BatchPair[] = [];
    for (const [from, to] of [
      [0, 5],
      [5, 10],
    ]) {
      await sliced.scan({ from, to, onChunk: (c) => void parts.push(...c.pairs) });
    }
    assert.deepEqual(parts, whole);
  });

  test('reports progress: records done of the total, rate and time left', async () => {
    const seen: BatchProgress[] = [];
    const report = await new DedupJob(base(), defaultModel).scan({
      chunkSize: 4,
      onProgress: (p) => seen.push(p),
    });
    assert.deepEqual(
      seen.map((p) => p.done),
      [4, 8, 10],
    );
    for (const p of seen) {
      assert.equal(p.total, 10);
      assert.ok(p.rate > 0 && p.etaSeconds >= 0);
    }
    assert.equal(seen.at(-1)!.etaSeconds, 0);
    assert.equal(seen.at(-1)!.pairsScored, report.pairsScored);
    assert.equal(report.finished, true);
    assert.equal(
      report.autoMerge + report.suggest,
      (await scanAll(new DedupJob(base(), defaultModel))).length,
    );
  });
});

describe('scanInParallel', () => {
  /** A base large enough for several chunks: the small base repeated with other ids. */
  const larger = () =>
    Array.from({ length: 12 }, (_, copy) =>
      base().map((r) => ({
        ...r,
        id: `${r.id}-${copy}`,
        phones: r.phones.map((p) => `${p.slice(0, -2)}${10 + copy}`),
      })),
    ).flat();

  test('finds, in the same order, what one thread finds', async () => {
    const records = larger();
    const single: BatchPair[] = [];
    await new DedupJob(records, defaultModel).scan({
      chunkSize: 7,
      onChunk: (c) => void single.push(...c.pairs),
    });
    const cursors: number[] = [];
    const parallel: BatchPair[] = [];
    const report = await scanInParallel(new DedupJob(records, defaultModel), {
      threads: 2,
      chunkSize: 7,
      onChunk: (c) => {
        parallel.push(...c.pairs);
        cursors.push(c.cursor);
      },
    });
    assert.deepEqual(parallel, single);
    assert.deepEqual(
      cursors,
      Array.from({ length: Math.ceil(records.length / 7) }, (_, i) => Math.min((i + 1) * 7, records.length)),
    );
    assert.equal(report.finished, true);
    assert.equal(report.autoMerge + report.suggest, single.length);
  });

  test('stops on abort at a contiguous cursor, and resumes from it', async () => {
    const records = larger();
    const single: BatchPair[] = [];
    await new DedupJob(records, defaultModel).scan({ onChunk: (c) => void single.push(...c.pairs) });
    const controller = new AbortController();
    const saved: BatchPair[] = [];
    const first = await scanInParallel(new DedupJob(records, defaultModel), {
      chunkSize: 5,
      signal: controller.signal,
      onChunk: (c) => {
        saved.push(...c.pairs);
        if (c.cursor >= 20) controller.abort();
      },
    });
    assert.equal(first.finished, false);
    assert.ok(first.cursor >= 20 && first.cursor % 5 === 0, `cursor ${first.cursor}`);
    await scanInParallel(new DedupJob(records, defaultModel), {
      from: first.cursor,
      chunkSize: 5,
      onChunk: (c) => void saved.push(...c.pairs),
    });
    assert.deepEqual(saved, single);
  });
});
