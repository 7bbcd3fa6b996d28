import { FIELD_LEVELS, FIELD_NAMES, type FieldName, type MatchConfigOverride } from './match-config';
import type { NormalisedRecord } from './record';
import { explainPair, type MatchModel } from './scoring';

export interface EstimateUOptions {
  /** Random pairs compared (default 200,000). */
  pairs?: number;
  /** Seed of the pair sampling, for a repeatable estimate (default 1). */
  seed?: number;
}

/**
 * Estimates u, how often two different customers agree at each level of each field, from a site's
 * own base, as Splink's estimate_u_using_random_sampling does: two records drawn at random are
 * almost never one customer, so the levels of random pairs are the levels of non-matches. The
 * result is an override for resolveMatchConfig (u only; m stays, it needs labelled pairs).
 *
 * Levels never seen get half a count (u = 0.5 / pairs of the field), not 0, which would make
 * an agreement infinitely strong. Term-frequency and shared-phone adjustments stay as configured.
 */
export function estimateU(
  records: readonly NormalisedRecord[],
  model: MatchModel,
  options: EstimateUOptions = {},
): MatchConfigOverride {
  const pairs = options.pairs ?? 200_000;
  let state = (options.seed ?? 1) >>> 0 || 1;
  const random = (n: number) => {
    // xorshift32: repeatable and good enough to draw pairs.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const counts = new Map<FieldName, Map<string, number>>(FIELD_NAMES.map((f) => [f, new Map()]));
  const seen = new Map<FieldName, number>(FIELD_NAMES.map((f) => [f, 0]));
  if (records.length >= 2) {
    for (let k = 0; k < pairs; k++) {
      const a = random(records.length);
      const b = random(records.length);
      if (a === b) continue;
      for (const c of explainPair(records[a], records[b], model).contributions) {
        if (c.level === 'missing') continue;
        const levels = counts.get(c.field)!;
        levels.set(c.level, (levels.get(c.level) ?? 0) + 1);
        seen.set(c.field, seen.get(c.field)! + 1);
      }
    }
  }
  const fields: Record<string, Record<string, { u: number }>> = {};
  for (const field of FIELD_NAMES) {
    const total = seen.get(field)!;
    if (total === 0) continue;
    fields[field] = Object.fromEntries(
      FIELD_LEVELS[field].map((level) => [level, { u: (counts.get(field)!.get(level) ?? 0.5) / total }]),
    );
  }
  return { fields } as MatchConfigOverride;
}
