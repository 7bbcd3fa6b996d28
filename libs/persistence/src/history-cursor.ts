/**
 * History ids come from a sequence, so a transaction that took id 10 may commit after one that took
 * id 11. A reader that returned 11 and moved its cursor past it would never see 10. So a page ends
 * at the first gap, unless the entry after the gap is older than any transaction can be (the ids of
 * rolled-back transactions leave gaps that never fill).
 */
export const HISTORY_GAP_TIMEOUT_MS = 15_000;

/** The entries of a page read "after id N" that a cursor may safely move past, oldest first. */
export function readableEntries<T extends { id: number; at: Date }>(
  rows: readonly T[],
  afterId: number,
  now: Date,
  gapTimeoutMs = HISTORY_GAP_TIMEOUT_MS,
): T[] {
  const out: T[] = [];
  let last = afterId;
  for (const row of rows) {
    if (row.id !== last + 1 && now.getTime() - row.at.getTime() < gapTimeoutMs) break;
    out.push(row);
    last = row.id;
  }
  return out;
}
