import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_GAP_TIMEOUT_MS, readableEntries } from './history-cursor';

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
