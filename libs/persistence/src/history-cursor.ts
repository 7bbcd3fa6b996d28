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

/** How many windows of entries one read scans at most while it fills a filtered page. */
export const MAX_HISTORY_WINDOWS = 20;

/**
 * A page of a history for a reader who may see only some entries (its sites, a time window).
 * Gaps are judged on the ids of every entry, whoever may see them: another site's entry is no gap,
 * and judged after filtering it would hold the page back until the gap timeout. Windows of `limit`
 * entries are scanned until the page is full, the readable run ends (a gap still filling, or the
 * end) or MAX_HISTORY_WINDOWS were scanned; `lastId` moves past what the reader may not see, so its
 * next call starts there.
 */
export async function readVisibleHistory<T extends { id: number; at: Date }>(options: {
  afterId: number;
  limit: number;
  /** Every entry after the id, oldest first, at most `limit`. */
  scan: (afterId: number, limit: number) => Promise<T[]>;
  isVisible: (entry: T) => boolean;
  now?: Date;
}): Promise<{ entries: T[]; lastId: number }> {
  const { limit, scan, isVisible } = options;
  const entries: T[] = [];
  let lastId = options.afterId;
  for (let w = 0; w < MAX_HISTORY_WINDOWS && entries.length < limit; w++) {
    const wanted = limit - entries.length;
    const rows = await scan(lastId, wanted);
    const readable = readableEntries(rows, lastId, options.now ?? new Date());
    entries.push(...readable.filter(isVisible));
    lastId = readable.at(-1)?.id ?? lastId;
    if (readable.length < rows.length || rows.length < wanted) break;
  }
  return { entries, lastId };
}
