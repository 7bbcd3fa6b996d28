import { withinOneEdit } from './compare/edits';
import { jaroWinkler } from './compare/jaro-winkler';
import { FIELD_LEVELS, FIELD_NAMES, type FieldLevel, type FieldName, type MatchConfig } from './match-config';
import { splitEmail } from './normalise/email';
import { areNameVariants } from './normalise/name';
import type { NormalisedRecord } from './record';

export type Decision = 'auto-merge' | 'suggest' | 'distinct';

/** One field's part in a decision: what was compared, how it agreed, and what it weighed. */
export interface FieldContribution {
  field: FieldName;
  level: FieldLevel | 'missing';
  /** log2(m/u) of the level, after adjustments; 0 when missing. */
  weight: number;
  /** The normalised values compared (for phones and emails, the closest pair). */
  a?: string;
  b?: string;
  /** Jaro-Winkler similarity, for fuzzy levels. */
  similarity?: number;
  /** Why the weight differs from the level's configured one, or how values were paired. */
  note?: string;
}

export interface PairScore {
  aId: string;
  bId: string;
  /** Match weight: log2 of the odds that a and b are one customer, prior included. */
  weight: number;
  /** The same as a probability. */
  probability: number;
  decision: Decision;
  /** Fields that disagree outright; any of them keeps the pair from an automatic merge. */
  contradictions: FieldName[];
  contributions: FieldContribution[];
}

/**
 * How common a name is, for the term-frequency adjustment: its share of the base's records that
 * have that field (Ivanov ≈ 0.013). Undefined when unknown.
 */
export interface TermFrequencies {
  firstName(key: string): number | undefined;
  lastName(key: string): number | undefined;
}

export interface ScoringContext {
  tf?: TermFrequencies;
  /** How many records of the base hold this phone (both records of the pair included). */
  phoneHolders?: (e164: string) => number;
}

/** A configuration ready for scoring: the weights computed once. */
export interface MatchModel {
  config: MatchConfig;
  prior: number;
  weights: { [F in FieldName]: Record<FieldLevel<F>, number> };
  /** Bit i set: FIELD_NAMES[i] is a contradiction field. */
  contradictionMask: number;
}

const log2 = Math.log2;

export function compileModel(config: MatchConfig): MatchModel {
  const weights = {} as Record<string, Record<string, number>>;
  for (const field of FIELD_NAMES) {
    const levels: Record<string, number> = {};
    for (const level of FIELD_LEVELS[field]) {
      const { m, u } = (config.fields[field] as Record<string, { m: number; u: number }>)[level];
      levels[level] = log2(m / u);
    }
    weights[field] = levels;
  }
  let contradictionMask = 0;
  for (const field of config.contradictions) contradictionMask |= 1 << FIELD_NAMES.indexOf(field);
  const p = config.priorMatchProbability;
  return {
    config,
    prior: log2(p / (1 - p)),
    weights: weights as MatchModel['weights'],
    contradictionMask,
  };
}

const BIT = Object.fromEntries(FIELD_NAMES.map((f, i) => [f, 1 << i])) as Record<FieldName, number>;

/** Weight and contradiction bits of one comparison; reused by the batch job to avoid allocation. */
export interface Evaluation {
  weight: number;
  contradictions: number;
}

type Sink = FieldContribution[] | undefined;

function similarityLevel(s: number, model: MatchModel): 'fuzzy-high' | 'fuzzy-low' | 'different' {
  const { high, low } = model.config.similarity;
  return s >= high ? 'fuzzy-high' : s >= low ? 'fuzzy-low' : 'different';
}

/**
 * Scores a pair field by field. The core of every decision: the batch job calls it without a sink
 * (no allocation), explanations with one (every field's contribution pushed to it).
 */
export function evaluate(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  ctx: ScoringContext,
  out: Evaluation,
  sink?: Sink,
): Evaluation {
  const w = model.weights;
  let total = model.prior;
  let contradictions = 0;
  const add = (
    field: FieldName,
    level: FieldLevel | 'missing',
    weight: number,
    extra?: Partial<FieldContribution>,
  ) => {
    total += weight;
    if (level === 'different') contradictions |= BIT[field];
    if (sink !== undefined) sink.push({ field, level, weight, ...extra });
  };
  const missing = (field: FieldName) => {
    if (sink !== undefined) sink.push({ field, level: 'missing', weight: 0 });
  };

  if (a.type !== b.type) add('type', 'different', w.type.different, { a: a.type, b: b.type });
  else add('type', 'exact', w.type.exact);

  // Names: the first and last names may be swapped on one side (typed into the wrong fields).
  let bFirst = b.first;
  let bLast = b.last;
  let swapped = false;
  if (a.first !== undefined && a.last !== undefined && bFirst !== undefined && bLast !== undefined) {
    if (a.first !== bFirst || a.last !== bLast) {
      const straight = jaroWinkler(a.first, bFirst) + jaroWinkler(a.last, bLast);
      const crossed = jaroWinkler(a.first, bLast) + jaroWinkler(a.last, bFirst);
      if (crossed > straight + 0.05) {
        [bFirst, bLast] = [bLast, bFirst];
        swapped = true;
      }
    }
  }
  const swapNote = swapped ? { note: 'first and last name swapped on one side' } : undefined;
  compareFirstName(a, b, bFirst, model, ctx, add, swapNote, missing);
  compareLastName(a.last, bLast, model, ctx, add, swapNote, missing);
  compareNames('patronymic', a.patronymic, b.patronymic, model, add, missing);
  compareNames('company', a.company, b.company, model, add, missing);
  comparePhones(a.phones, b.phones, model, ctx, add, missing);
  compareEmails(a.emails, b.emails, model, add, missing);

  if (a.birthday === undefined || b.birthday === undefined) missing('birthday');
  else if (a.birthday === b.birthday)
    add('birthday', 'exact', w.birthday.exact, { a: a.birthday, b: b.birthday });
  else {
    const level = datesClose(a.birthday, b.birthday) ? 'close' : 'different';
    add('birthday', level, w.birthday[level], { a: a.birthday, b: b.birthday });
  }

  if (a.city === undefined || b.city === undefined) missing('city');
  else if (a.city === b.city) add('city', 'exact', w.city.exact, { a: a.city, b: b.city });
  else {
    const s = jaroWinkler(a.city, b.city);
    const level = s >= model.config.similarity.high ? 'fuzzy' : 'different';
    add('city', level, w.city[level], { a: a.city, b: b.city, similarity: s });
  }

  compareAddress(a, b, model, add, missing);

  if (a.taxId === undefined || b.taxId === undefined) missing('taxId');
  else {
    const level = a.taxId === b.taxId ? 'exact' : 'different';
    add('taxId', level, w.taxId[level], { a: a.taxId, b: b.taxId });
  }

  out.weight = total;
  out.contradictions = contradictions & model.contradictionMask;
  return out;
}

type Add = (
  field: FieldName,
  level: FieldLevel | 'missing',
  weight: number,
  extra?: Partial<FieldContribution>,
) => void;

/** log2(m / f) for an exact name of relative frequency f, when term frequencies are known. */
function tfWeight(model: MatchModel, m: number, f: number | undefined): number | undefined {
  if (f === undefined) return undefined;
  return log2(m / Math.max(f, model.config.termFrequency.minU));
}

function compareFirstName(
  a: NormalisedRecord,
  b: NormalisedRecord,
  bFirst: string | undefined,
  model: MatchModel,
  ctx: ScoringContext,
  add: Add,
  note: Partial<FieldContribution> | undefined,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights.firstName;
  const x = a.first;
  const y = bFirst;
  if (x === undefined || y === undefined) return missing('firstName');
  // After a swap b's first name is its last-name field, which is never an initial.
  const yInitial = bFirst === b.first && b.firstIsInitial === true;
  const values = { a: x, b: y, ...note };
  if (a.firstIsInitial || yInitial) {
    const [short, long] = a.firstIsInitial ? [x, y] : [y, x];
    const level = long.startsWith(short) ? 'initial' : 'different';
    return add('firstName', level, w[level], values);
  }
  if (x === y) {
    const tf = model.config.termFrequency.firstName
      ? tfWeight(model, model.config.fields.firstName.exact.m, ctx.tf?.firstName(x))
      : undefined;
    return add(
      'firstName',
      'exact',
      tf ?? w.exact,
      tf === undefined ? values : { ...values, note: 'term frequency' },
    );
  }
  if (areNameVariants(x, y)) return add('firstName', 'alias', w.alias, values);
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, model);
  add('firstName', level, w[level], { ...values, similarity: s });
}

function compareLastName(
  x: string | undefined,
  y: string | undefined,
  model: MatchModel,
  ctx: ScoringContext,
  add: Add,
  note: Partial<FieldContribution> | undefined,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights.lastName;
  if (x === undefined || y === undefined) return missing('lastName');
  const values = { a: x, b: y, ...note };
  if (x === y) {
    const tf = model.config.termFrequency.lastName
      ? tfWeight(model, model.config.fields.lastName.exact.m, ctx.tf?.lastName(x))
      : undefined;
    return add(
      'lastName',
      'exact',
      tf ?? w.exact,
      tf === undefined ? values : { ...values, note: 'term frequency' },
    );
  }
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, model);
  add('lastName', level, w[level], { ...values, similarity: s });
}

function compareNames(
  field: 'patronymic' | 'company',
  x: string | undefined,
  y: string | undefined,
  model: MatchModel,
  add: Add,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights[field];
  if (x === undefined || y === undefined) return missing(field);
  if (x === y) return add(field, 'exact', w.exact, { a: x, b: y });
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, model);
  add(field, level, w[level], { a: x, b: y, similarity: s });
}

function comparePhones(
  xs: readonly string[],
  ys: readonly string[],
  model: MatchModel,
  ctx: ScoringContext,
  add: Add,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights.phone;
  if (xs.length === 0 || ys.length === 0) return missing('phone');
  let close: number = -1;
  let closeJ = -1;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (xs[i] === ys[j]) {
        let weight = w.exact;
        const holders = ctx.phoneHolders?.(xs[i]) ?? 0;
        const free = model.config.sharedPhone.freeHolders;
        if (holders > free) {
          weight -= log2(holders / free);
          return add('phone', 'exact', weight, { a: xs[i], b: ys[j], note: `held by ${holders} records` });
        }
        return add('phone', 'exact', weight, { a: xs[i], b: ys[j] });
      }
      if (close < 0 && xs[i].length === ys[j].length && withinOneEdit(xs[i], ys[j])) {
        close = i;
        closeJ = j;
      }
    }
  }
  if (close >= 0) return add('phone', 'one-edit', w['one-edit'], { a: xs[close], b: ys[closeJ] });
  add('phone', 'different', w.different, { a: xs[0], b: ys[0] });
}

function compareEmails(
  xs: readonly string[],
  ys: readonly string[],
  model: MatchModel,
  add: Add,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights.email;
  if (xs.length === 0 || ys.length === 0) return missing('email');
  let fuzzy = -1;
  let fuzzyJ = -1;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (xs[i] === ys[j]) return add('email', 'exact', w.exact, { a: xs[i], b: ys[j] });
      if (fuzzy < 0 && emailsClose(xs[i], ys[j], model.config.similarity.high)) {
        fuzzy = i;
        fuzzyJ = j;
      }
    }
  }
  if (fuzzy >= 0) return add('email', 'fuzzy', w.fuzzy, { a: xs[fuzzy], b: ys[fuzzyJ] });
  add('email', 'different', w.different, { a: xs[0], b: ys[0] });
}

/** Same mailbox name at another provider, or a near-identical name at the same one. */
function emailsClose(x: string, y: string, high: number): boolean {
  const [lx, dx] = splitEmail(x);
  const [ly, dy] = splitEmail(y);
  if (lx === ly) return lx.length >= 5;
  return dx === dy && jaroWinkler(lx, ly) >= high;
}

/** One typed digit off or transposed, or day and month swapped. */
export function datesClose(x: string, y: string): boolean {
  if (withinOneEdit(x, y)) return true;
  // "YYYY-MM-DD": the same year with month and day exchanged.
  return (
    x.slice(0, 4) === y.slice(0, 4) && x.slice(5, 7) === y.slice(8, 10) && x.slice(8, 10) === y.slice(5, 7)
  );
}

function compareAddress(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  add: Add,
  missing: (f: FieldName) => void,
): void {
  const w = model.weights.address;
  if (a.street === undefined || b.street === undefined) return missing('address');
  const values = { a: addressText(a), b: addressText(b) };
  const sameHouse = a.house !== undefined && a.house === b.house;
  if (a.street === b.street) {
    if (!sameHouse) return add('address', 'street', w.street, values);
    if (a.flat !== undefined && b.flat !== undefined && a.flat !== b.flat) {
      return add('address', 'same-building', w['same-building'], values);
    }
    return add('address', 'exact', w.exact, values);
  }
  const s = jaroWinkler(a.street, b.street);
  if (sameHouse && s >= model.config.similarity.high)
    return add('address', 'fuzzy', w.fuzzy, { ...values, similarity: s });
  add('address', 'different', w.different, { ...values, similarity: s });
}

function addressText(r: NormalisedRecord): string {
  return [r.street, r.house, r.flat].filter((x) => x !== undefined).join(' ');
}

/** The decision for a weight: contradictions cap it at a suggestion. */
export function decide(weight: number, contradictions: number, model: MatchModel): Decision {
  const { autoMerge, suggest } = model.config.thresholds;
  if (weight >= autoMerge && contradictions === 0) return 'auto-merge';
  return weight >= suggest ? 'suggest' : 'distinct';
}

export function probabilityOf(weight: number): number {
  const odds = 2 ** weight;
  return Number.isFinite(odds) ? odds / (1 + odds) : 1;
}

function contradictionFields(bits: number): FieldName[] {
  return FIELD_NAMES.filter((f) => (bits & BIT[f]) !== 0);
}

/** Scores a pair with every field's contribution: what a suggestion or an automatic link stores. */
export function explainPair(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  ctx: ScoringContext = {},
): PairScore {
  const contributions: FieldContribution[] = [];
  const e = evaluate(a, b, model, ctx, { weight: 0, contradictions: 0 }, contributions);
  return {
    aId: a.id,
    bId: b.id,
    weight: e.weight,
    probability: probabilityOf(e.weight),
    decision: decide(e.weight, e.contradictions, model),
    contradictions: contradictionFields(e.contradictions),
    contributions,
  };
}
