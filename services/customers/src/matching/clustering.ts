/** A scored pair between two records, by their positions in the batch's ordered input. */
export interface IndexedPair {
  a: number;
  b: number;
  weight: number;
}

export interface Clustering {
  /** The component of each record: the position of its representative (its smallest member). */
  root: Int32Array;
  /** Pairs whose union was refused because it would put a contradiction inside one cluster. */
  refused: IndexedPair[];
}

/**
 * Connected components over automatic-merge pairs (pairs without contradictions themselves),
 * strongest pair first, with a guard chaining needs: a pair joins two components only when no record of one contradicts any record of the other
 * (`conflict`) and the result stays within `maxClusterSize`. Otherwise A~B and B~C would merge A and
 * C even when A and C are two people who share B's phone.
 *
 * Deterministic for a given input (ties broken by positions), and a cluster's representative is its
 * smallest position: with the records ordered by creation, the oldest profile, which survives the
 * merge and whose id is the cluster's stable id.
 */
export function clusterPairs(
  size: number,
  pairs: readonly IndexedPair[],
  conflict: (x: number, y: number) => boolean,
  maxClusterSize = 1000,
): Clustering {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const members = new Map<number, number[]>();
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const membersOf = (root: number) => members.get(root) ?? [root];
  const sorted = [...pairs].sort((p, q) => q.weight - p.weight || p.a - q.a || p.b - q.b);
  const refused: IndexedPair[] = [];
  for (const pair of sorted) {
    const ra = find(pair.a);
    const rb = find(pair.b);
    if (ra === rb) continue;
    const ma = membersOf(ra);
    const mb = membersOf(rb);
    // Two single records: the pair itself is the only one, and an automatic pair has no
    // contradiction, so there is nothing to check (most unions of a large base are these).
    const single = ma.length === 1 && mb.length === 1;
    if (ma.length + mb.length > maxClusterSize || (!single && crosses(ma, mb, conflict))) {
      refused.push(pair);
      continue;
    }
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    members.set(keep, ma.concat(mb));
    members.delete(drop);
  }
  const root = new Int32Array(size);
  for (let i = 0; i < size; i++) root[i] = find(i);
  return { root, refused };
}

function crosses(
  xs: readonly number[],
  ys: readonly number[],
  conflict: (x: number, y: number) => boolean,
): boolean {
  for (const x of xs) for (const y of ys) if (conflict(x, y)) return true;
  return false;
}
