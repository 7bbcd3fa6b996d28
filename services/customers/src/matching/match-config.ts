import { ValidationError } from '@openretail/contracts';
import { z } from 'zod';

/**
 * The comparison levels of each field, from the strongest agreement to disagreement. "missing" (one
 * side has no value) is not configured: it weighs nothing.
 */
export const FIELD_LEVELS = {
  firstName: ['exact', 'alias', 'fuzzy-high', 'fuzzy-low', 'initial', 'different'],
  lastName: ['exact', 'fuzzy-high', 'fuzzy-low', 'different'],
  patronymic: ['exact', 'fuzzy-high', 'fuzzy-low', 'different'],
  sex: ['exact', 'different'],
  company: ['exact', 'fuzzy-high', 'fuzzy-low', 'different'],
  phone: ['exact', 'one-edit', 'different'],
  email: ['exact', 'fuzzy', 'different'],
  birthday: ['exact', 'close', 'different'],
  city: ['exact', 'fuzzy', 'different'],
  address: ['exact', 'same-building', 'fuzzy', 'street', 'different'],
  taxId: ['exact', 'different'],
  type: ['exact', 'different'],
} as const;

export type FieldName = keyof typeof FIELD_LEVELS;
export type FieldLevel<F extends FieldName = FieldName> = (typeof FIELD_LEVELS)[F][number];
export const FIELD_NAMES = Object.keys(FIELD_LEVELS) as FieldName[];

/** The blocking keys a record can have (see blocking.ts). */
export const BLOCKING_KEY_KINDS = [
  'phone',
  'email',
  'tax-id',
  'name-birthday',
  'name-address',
  'name-city',
  'company-city',
] as const;
export type BlockingKeyKind = (typeof BLOCKING_KEY_KINDS)[number];

/** m: how often true duplicates show this level; u: how often two different customers do. */
export interface LevelProbabilities {
  m: number;
  u: number;
}

export type FieldConfig<F extends FieldName> = Record<FieldLevel<F>, LevelProbabilities>;

export interface MatchConfig {
  /**
   * Decision thresholds on the match weight (log2 of the odds that the two records are one customer;
   * prior included). At or above `autoMerge`, with no contradiction, the records are merged
   * automatically; at or above `suggest` a manager is asked; below, they are distinct.
   * `suggestMaxContradictions`: a pair contradicting in more fields than this is distinct whatever
   * its weight. One contradiction may be a typo or a shared phone worth a look (father and son of
   * one flat); two (another first name and sex, another name and birthday) are another person.
   */
  thresholds: { autoMerge: number; suggest: number; suggestMaxContradictions: number };
  /** Prior probability that two records compared are one customer. */
  priorMatchProbability: number;
  /** Jaro-Winkler similarity at or above which names, cities and streets are "fuzzy-high" / "-low". */
  similarity: { high: number; low: number };
  fields: { [F in FieldName]: FieldConfig<F> };
  /**
   * Fields whose "different" level is a contradiction: the pair may then be suggested, never merged
   * automatically, whatever the other fields say. This is what keeps a family or office phone (or an
   * email) from merging two people: they share it, but first names or birthdays differ.
   */
  contradictions: FieldName[];
  /**
   * Term frequencies, when the caller supplies a frequency table: an exact first or last name weighs
   * log2(m / f) with f the name's share of the base (at least `minU`), so Ivanov counts less than a
   * rare name.
   */
  termFrequency: { firstName: boolean; lastName: boolean; minU: number };
  /**
   * An exact phone held by more than `freeHolders` records weighs log2(holders / freeHolders) less:
   * a shop's switchboard or a family landline identifies nobody.
   */
  sharedPhone: { freeHolders: number };
  /**
   * Which keys are used to find candidates, and the largest block compared: a key held by more
   * records (a placeholder phone, Ivanov Aleksandr in Moscow) finds nobody.
   */
  blocking: { keys: BlockingKeyKind[]; maxBlockSize: number };
}

const l = (m: number, u: number): LevelProbabilities => ({ m, u });

/**
 * Defaults calibrated on the synthetic benchmark base (tools/bench/customers-*.mjs), whose noise
 * rates follow what shops report; u of exact names and addresses are averages over a large base.
 * A site with other data should re-estimate them: see MATCHING.md.
 */
export const DEFAULT_MATCH_CONFIG: MatchConfig = {
  thresholds: { autoMerge: 6, suggest: 2, suggestMaxContradictions: 1 },
  priorMatchProbability: 1e-6,
  similarity: { high: 0.92, low: 0.85 },
  fields: {
    firstName: {
      exact: l(0.86, 0.02),
      alias: l(0.03, 0.001),
      'fuzzy-high': l(0.06, 0.004),
      'fuzzy-low': l(0.02, 0.01),
      initial: l(0.02, 0.005),
      different: l(0.01, 0.96),
    },
    lastName: {
      exact: l(0.85, 0.0005),
      'fuzzy-high': l(0.1, 0.003),
      'fuzzy-low': l(0.025, 0.01),
      different: l(0.025, 0.986),
    },
    patronymic: {
      exact: l(0.9, 0.03),
      'fuzzy-high': l(0.06, 0.005),
      'fuzzy-low': l(0.02, 0.01),
      different: l(0.02, 0.955),
    },
    sex: { exact: l(0.995, 0.5), different: l(0.005, 0.5) },
    company: {
      exact: l(0.8, 0.0001),
      'fuzzy-high': l(0.12, 0.001),
      'fuzzy-low': l(0.04, 0.01),
      different: l(0.04, 0.989),
    },
    phone: { exact: l(0.75, 1e-6), 'one-edit': l(0.02, 1e-5), different: l(0.23, 0.99999) },
    email: { exact: l(0.6, 1e-7), fuzzy: l(0.04, 1e-3), different: l(0.36, 0.999) },
    birthday: { exact: l(0.96, 5e-5), close: l(0.03, 0.001), different: l(0.01, 0.999) },
    city: { exact: l(0.9, 0.05), fuzzy: l(0.04, 0.002), different: l(0.06, 0.948) },
    address: {
      exact: l(0.6, 1e-5),
      'same-building': l(0.02, 1e-4),
      fuzzy: l(0.1, 2e-5),
      street: l(0.08, 0.002),
      different: l(0.2, 0.998),
    },
    taxId: { exact: l(0.98, 1e-7), different: l(0.02, 0.9999999) },
    type: { exact: l(0.999, 0.9), different: l(0.001, 0.1) },
  },
  contradictions: ['firstName', 'patronymic', 'sex', 'company', 'birthday', 'taxId', 'type'],
  termFrequency: { firstName: true, lastName: true, minU: 1e-5 },
  sharedPhone: { freeHolders: 3 },
  blocking: { keys: [...BLOCKING_KEY_KINDS], maxBlockSize: 100 },
};

// ---------------------------------------------------------------- validation

const probability = z.number().gt(0, 'must be above 0').lte(1, 'must be at most 1');
const levelSchema = z.strictObject({ m: probability, u: probability });
const fieldNameSchema = z.enum(FIELD_NAMES as [FieldName, ...FieldName[]]);

function fieldSchema(field: FieldName) {
  return z
    .strictObject(Object.fromEntries(FIELD_LEVELS[field].map((level) => [level, levelSchema.partial()])))
    .partial();
}

/**
 * A site's configuration as stored: any part of MatchConfig, merged over the defaults. Objects are
 * merged key by key (one level's m alone may be set), arrays replace the default.
 */
export const matchConfigOverrideSchema = z
  .strictObject({
    thresholds: z
      .strictObject({
        autoMerge: z.number(),
        suggest: z.number(),
        suggestMaxContradictions: z.number().int().min(0),
      })
      .partial(),
    priorMatchProbability: z.number().gt(0).lt(1),
    similarity: z.strictObject({ high: z.number().gt(0).lte(1), low: z.number().gt(0).lte(1) }).partial(),
    fields: z.strictObject(Object.fromEntries(FIELD_NAMES.map((f) => [f, fieldSchema(f)]))).partial(),
    contradictions: z.array(fieldNameSchema),
    termFrequency: z
      .strictObject({ firstName: z.boolean(), lastName: z.boolean(), minU: probability })
      .partial(),
    sharedPhone: z.strictObject({ freeHolders: z.number().int().min(1) }).partial(),
    blocking: z
      .strictObject({
        keys: z.array(z.enum(BLOCKING_KEY_KINDS)).min(1, 'at least one blocking key is needed'),
        maxBlockSize: z.number().int().min(2).max(100_000),
      })
      .partial(),
  })
  .partial();

export type MatchConfigOverride = z.infer<typeof matchConfigOverrideSchema>;

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = merge(out[k], v);
  return out;
}

/**
 * Validates a site's override and returns the full configuration, or throws a ValidationError that
 * names every bad field: shape (unknown keys, probabilities outside (0, 1]), and the rules between
 * fields (suggest below auto-merge, high similarity above low).
 */
export function resolveMatchConfig(override: unknown = {}): MatchConfig {
  const parsed = matchConfigOverrideSchema.safeParse(override);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const config = merge(DEFAULT_MATCH_CONFIG, parsed.data) as MatchConfig;
  const violations: { field: string; reason: string }[] = [];
  if (config.thresholds.suggest > config.thresholds.autoMerge) {
    violations.push({ field: 'thresholds.suggest', reason: 'must not be above thresholds.autoMerge' });
  }
  if (config.similarity.low > config.similarity.high) {
    violations.push({ field: 'similarity.low', reason: 'must not be above similarity.high' });
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return config;
}
