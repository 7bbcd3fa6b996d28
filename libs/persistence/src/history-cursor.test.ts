import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_GAP_TIMEOUT_MS, readVisibleHistory, readableEntries } from './history-cursor';

const now = new Date('2026-01-01T12:00:00Z');
const entry = (id: number, ageMs = 0) => ({ id, at: new Date(now.getTime() - ageMs) });

test('consecutive entries are all readable', () => {
  assert.deepEqual(
    readableEntries([entry(4), entry(5), entry(6)], 3, now).map((e) => e.id),
    [4, 5, 6],
  );
});

test('a page ends before a recent gap: the missing id may still commit', () => {
  assert.deepEqual(
    readableEntries([entry(4), entry(6), entry(7)], 3, now).map((e) => e.id),
    [4],
  );
  assert.deepEqual(readableEntries([entry(5)], 3, now), []);
});

test('a gap older than any transaction is skipped: a rolled-back id never fills', () => {
  const old = HISTORY_GAP_TIMEOUT_MS + 1;
  assert.deepEqual(
    readableEntries([entry(4, old), entry(6, old), entry(7)], 3, now).map((e) => e.id),
    [4, 6, 7],
  );
});

test('readVisibleHistory: another reader’s entries are no gap, and the cursor moves past them', async () => {
  const all = [entry(1), entry(2), entry(3), entry(4), entry(5)].map((e) => ({
    ...e,
    site: e.id % 2 ? 'a' : 'b',
  }));
  const scans: number[] = [];
  const page = await readVisibleHistory({
    afterId: 0,
    limit: 2,
    now,
    scan: async (afterId, limit) => {
      scans.push(afterId);
      return all.filter((e) => e.id > afterId).slice(0, limit);
    },
    isVisible: (e) => e.site === 'a',
  });
  assert.deepEqual(
    page.entries.map((e) => e.id),
    [1, 3],
  );
  assert.equal(page.lastId, 3);
  assert.deepEqual(scans, [0, 2]);
});

test('readVisibleHistory: a recent gap ends the page; the cursor stays before it', async () => {
  const rows = [entry(1), entry(3)];
  const page = await readVisibleHistory({
    afterId: 0,
    limit: 10,
    now,
    scan: async (afterId, limit) => rows.filter((e) => e.id > afterId).slice(0, limit),
    isVisible: () => true,
  });
  assert.deepEqual(
    page.entries.map((e) => e.id),
    [1],
  );
  assert.equal(page.lastId, 1);
});

test('readVisibleHistory: nothing visible in the scanned windows still moves the cursor', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => entry(i + 1, HISTORY_GAP_TIMEOUT_MS * 2));
  const page = await readVisibleHistory({
    afterId: 0,
    limit: 2,
    now,
    scan: async (afterId, limit) => rows.filter((e) => e.id > afterId).slice(0, limit),
    isVisible: () => false,
  });
  assert.deepEqual(page.entries, []);
  assert.equal(page.lastId, 40, 'MAX_HISTORY_WINDOWS windows of 2 were scanned');
});
