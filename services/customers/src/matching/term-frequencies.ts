import type { NormalisedRecord } from './record';
import type { TermFrequencies } from './scoring';

/**
 * Name counts of a base, JSON-serialisable so the service can keep it (it changes slowly: recounting
 * daily or after an import is enough). Names held by fewer than `minCount` records are left out and
 * count as held by one.
 */
export interface TermFrequencyTable {
  firstNameRecords: number;
  lastNameRecords: number;
  firstName: Record<string, number>;
  lastName: Record<string, number>;
}

export function countTermFrequencies(records: Iterable<NormalisedRecord>, minCount = 2): TermFrequencyTable {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  let firstNameRecords = 0;
  let lastNameRecords = 0;
  for (const r of records) {
    if (r.first !== undefined && !r.firstIsInitial) {
      first.set(r.first, (first.get(r.first) ?? 0) + 1);
      firstNameRecords++;
    }
    if (r.last !== undefined) {
      last.set(r.last, (last.get(r.last) ?? 0) + 1);
      lastNameRecords++;
    }
  }
  const keep = (m: Map<string, number>) => Object.fromEntries([...m].filter(([, n]) => n >= minCount));
  return { firstNameRecords, lastNameRecords, firstName: keep(first), lastName: keep(last) };
}

/**
 * The lookup the scoring uses, over a counted table. A share counted over fewer than `minRecords`
 * records says little (in a base of ten, any name is common): the lookup then answers undefined and
 * the configured average weighs instead.
 */
export function termFrequencies(table: TermFrequencyTable, minRecords = 1000): TermFrequencies {
  const first = new Map(Object.entries(table.firstName));
  const last = new Map(Object.entries(table.lastName));
  const useFirst = table.firstNameRecords >= minRecords;
  const useLast = table.lastNameRecords >= minRecords;
  return {
    firstName: (key) => (useFirst ? (first.get(key) ?? 1) / table.firstNameRecords : undefined),
    lastName: (key) => (useLast ? (last.get(key) ?? 1) / table.lastNameRecords : undefined),
  };
}
