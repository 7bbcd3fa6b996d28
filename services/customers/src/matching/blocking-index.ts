import { blockingKeys } from './blocking';
import type { MatchConfig } from './match-config';
import type { NormalisedRecord } from './record';

/** FNV-1a over UTF-16 code units: a 32-bit key hash without allocation. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The in-memory blocking index of a batch job: every record's blocking keys, grouped into blocks of
 * records sharing a key. Compact for a million records (typed arrays, about 20 bytes per key, no
 * key strings kept): keys are reduced to 32-bit hashes. A hash collision only joins two blocks, which
 * adds candidate pairs to score and loses none.
 *
 * Layout: record r owns slots keyStart[r] … keyStart[r+1]-1 (its distinct key hashes, ascending);
 * `order` lists the slots sorted by hash (stably, so by record within a block); a slot's block is
 * order[blockStart[slot]] … order[blockEnd[slot]-1] and it sits at order[position[slot]].
 */
export class BlockingIndex {
  readonly size: number;
  readonly keyStart: Uint32Array;
  readonly hash: Uint32Array;
  readonly slotRecord: Uint32Array;
  readonly order: Uint32Array;
  readonly position: Uint32Array;
  readonly blockStart: Uint32Array;
  readonly blockEnd: Uint32Array;
  readonly maxBlockSize: number;
  /** Blocks over maxBlockSize, skipped, and the records they held. */
  readonly oversized = { blocks: 0, slots: 0 };

  constructor(records: readonly NormalisedRecord[], config: Pick<MatchConfig, 'blocking'>) {
    this.size = records.length;
    this.maxBlockSize = config.blocking.maxBlockSize;
    const n = records.length;
    this.keyStart = new Uint32Array(n + 1);
    let hashes = new Uint32Array(Math.max(16, n * 6));
    let used = 0;
    const own: number[] = [];
    for (let r = 0; r < n; r++) {
      own.length = 0;
      for (const key of blockingKeys(records[r], config)) {
        const h = hashKey(key);
        if (!own.includes(h)) own.push(h);
      }
      own.sort((x, y) => x - y);
      if (used + own.length > hashes.length) {
        const grown = new Uint32Array(hashes.length * 2);
        grown.set(hashes);
        hashes = grown;
      }
      for (const h of own) hashes[used++] = h;
      this.keyStart[r + 1] = used;
    }
    this.hash = hashes.slice(0, used);
    this.slotRecord = new Uint32Array(used);
    for (let r = 0; r < n; r++) this.slotRecord.fill(r, this.keyStart[r], this.keyStart[r + 1]);
    this.order = radixSortByKey(this.hash);
    this.position = new Uint32Array(used);
    this.blockStart = new Uint32Array(used);
    this.blockEnd = new Uint32Array(used);
    for (let k = 0; k < used;) {
      const h = this.hash[this.order[k]];
      let end = k + 1;
      while (end < used && this.hash[this.order[end]] === h) end++;
      if (end - k > this.maxBlockSize) {
        this.oversized.blocks++;
        this.oversized.slots += end - k;
      }
      for (let x = k; x < end; x++) {
        const slot = this.order[x];
        this.position[slot] = x;
        this.blockStart[slot] = k;
        this.blockEnd[slot] = end;
      }
      k = end;
    }
  }

  /** The first position in `order` of the key's block, or -1 when no record holds it. */
  private find(key: string): number {
    const h = hashKey(key);
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hash[this.order[mid]] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.order.length && this.hash[this.order[lo]] === h ? lo : -1;
  }

  /** How many records hold the key (0 when none). */
  holders(key: string): number {
    const at = this.find(key);
    if (at < 0) return 0;
    const slot = this.order[at];
    return this.blockEnd[slot] - this.blockStart[slot];
  }

  /**
   * The records holding the key, in input order; none when the block is over maxBlockSize. The
   * in-memory twin of the service's `select customer_id from keys where site = $1 and key = $2`.
   */
  recordsWithKey(key: string): number[] {
    const at = this.find(key);
    if (at < 0) return [];
    const slot = this.order[at];
    if (!this.usable(slot)) return [];
    const out: number[] = [];
    for (let x = this.blockStart[slot]; x < this.blockEnd[slot]; x++)
      out.push(this.slotRecord[this.order[x]]);
    return out;
  }

  private usable(slot: number): boolean {
    return this.blockEnd[slot] - this.blockStart[slot] <= this.maxBlockSize;
  }

  /**
   * Calls visit(j) once for every record j after r (in input order) that shares a usable block with
   * r. Each pair is reported once, for the smallest key hash the two records share.
   */
  forEachCandidate(r: number, visit: (j: number) => void): void {
    const from = this.keyStart[r];
    const to = this.keyStart[r + 1];
    for (let s = from; s < to; s++) {
      if (!this.usable(s)) continue;
      const end = this.blockEnd[s];
      for (let x = this.position[s] + 1; x < end; x++) {
        const other = this.order[x];
        const j = this.slotRecord[other];
        if (!this.sharesEarlierKey(from, s, j)) visit(j);
      }
    }
  }

  /** True when record j also holds one of r's usable key hashes before slot s (r's slots from `from`). */
  private sharesEarlierKey(from: number, s: number, j: number): boolean {
    let y = this.keyStart[j];
    const yEnd = this.keyStart[j + 1];
    for (let x = from; x < s; x++) {
      if (!this.usable(x)) continue;
      const h = this.hash[x];
      while (y < yEnd && this.hash[y] < h) y++;
      if (y < yEnd && this.hash[y] === h) return true;
    }
    return false;
  }
}

/** Slot numbers ordered by their 32-bit key, stable: two LSD passes of 16 bits. */
function radixSortByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[src[i]] >>> shift) & 0xffff) + 1]++;
    for (let b = 0; b < 65536; b++) count[b + 1] += count[b];
    for (let i = 0; i < n; i++) dst[count[(keys[src[i]] >>> shift) & 0xffff]++] = src[i];
    [src, dst] = [dst, src];
  }
  return src;
}
