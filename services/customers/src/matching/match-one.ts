import { explainPair, type Decision, type MatchModel, type PairScore, type TermFrequencies } from './scoring';
import type { NormalisedRecord } from './record';

export interface MatchResult {
  /** The decision for the best candidate; "distinct" when there is none. */
  decision: Decision;
  /** The best-scoring candidate, when any was given. */
  best?: PairScore;
  /** Every candidate scored, best first (a is the incoming record, b the candidate). */
  candidates: PairScore[];
}

/**
 * Matches one incoming record (an order's contact, a new or edited profile) against the candidates
 * the caller found by its blocking keys. "auto-merge": attach to `best.bId`; "suggest": create the
 * profile and file a suggestion with `best`; "distinct": create the profile. More than one candidate
 * may reach auto-merge when the base already holds duplicates; the best wins and the caller may
 * suggest merging the others with it.
 *
 * Phone sharing is counted among the candidates: the caller fetched every profile holding the
 * incoming phones (up to the block size), so the candidates holding a phone, plus the incoming
 * record, are its holders.
 */
export function matchOne(
  incoming: NormalisedRecord,
  candidates: readonly NormalisedRecord[],
  model: MatchModel,
  tf?: TermFrequencies,
): MatchResult {
  const holders = new Map<string, number>();
  for (const phone of incoming.phones) holders.set(phone, 1);
  for (const c of candidates) {
    if (c.id === incoming.id) continue;
    for (const phone of c.phones) {
      const n = holders.get(phone);
      if (n !== undefined) holders.set(phone, n + 1);
    }
  }
  const ctx = { tf, phoneHolders: (phone: string) => holders.get(phone) ?? 1 };
  const scored = candidates
    .filter((c) => c.id !== incoming.id)
    .map((c) => explainPair(incoming, c, model, ctx));
  scored.sort((x, y) => y.weight - x.weight || (x.bId < y.bId ? -1 : x.bId > y.bId ? 1 : 0));
  const best = scored[0];
  return { decision: best?.decision ?? 'distinct', best, candidates: scored };
}
