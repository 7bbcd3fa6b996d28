import { withinOneEdit } from './compare/edits';
import { jaroWinkler } from './compare/jaro-winkler';
import { FIELD_LEVELS, FIELD_NAMES, type FieldLevel, type FieldName, type MatchConfig } from './match-config';
import { areNameVariants, isKnownFirstName, looksLikeSurname } from './normalise/name';
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

/**
 * The running sum of one comparison, and, when explaining, every field's contribution. Values are
 * passed as arguments, never wrapped in objects, so the batch job's millions of comparisons allocate
 * nothing but this.
 */
class Tally {
  total: number;
  contradictions = 0;

  constructor(
    prior: number,
    readonly sink: FieldContribution[] | undefined,
  ) {
    this.total = prior;
  }

  add(
    field: FieldName,
    level: FieldLevel,
    weight: number,
    a?: string,
    b?: string,
    similarity?: number,
    note?: string,
  ): void {
    this.total += weight;
    if (level === 'different') this.contradictions |= BIT[field];
    if (this.sink === undefined) return;
    const c: FieldContribution = { field, level, weight };
    if (a !== undefined) c.a = a;
    if (b !== undefined) c.b = b;
    if (similarity !== undefined) c.similarity = similarity;
    if (note !== undefined) c.note = note;
    this.sink.push(c);
  }

  missing(field: FieldName): void {
    this.sink?.push({ field, level: 'missing', weight: 0 });
  }
}

/**
 * The fuzzy level of two different names. One typed letter off (dropped, doubled, swapped, a
 * neighbour key) is at least "fuzzy-low" even when Jaro-Winkler is below `low`, as it is for short
 * names (Илья / Иья): a typo must not read as a contradiction.
 */
function similarityLevel(
  s: number,
  x: string,
  y: string,
  model: MatchModel,
): 'fuzzy-high' | 'fuzzy-low' | 'different' {
  const { high, low } = model.config.similarity;
  if (s >= high) return 'fuzzy-high';
  return s >= low || (x.length >= 4 && y.length >= 4 && withinOneEdit(x, y)) ? 'fuzzy-low' : 'different';
}

/**
 * Scores a pair field by field. The core of every decision: the batch job calls it without a sink,
 * explanations with one (every field's contribution pushed to it, missing fields included).
 */
export function evaluate(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  ctx: ScoringContext,
  out: Evaluation,
  sink?: FieldContribution[],
): Evaluation {
  const w = model.weights;
  const t = new Tally(model.prior, sink);

  if (a.type === b.type) t.add('type', 'exact', w.type.exact);
  else t.add('type', 'different', w.type.different, a.type, b.type);

  compareNames(a, b, model, ctx, t);
  compareText('patronymic', a.patronymic, b.patronymic, model, t);
  if (a.sex === undefined || b.sex === undefined) t.missing('sex');
  else if (a.sex === b.sex) t.add('sex', 'exact', w.sex.exact, a.sex, b.sex);
  else t.add('sex', 'different', w.sex.different, a.sex, b.sex);
  compareText('company', a.company, b.company, model, t);
  comparePhones(a.phones, b.phones, model, ctx, t);
  compareEmails(a.emails, b.emails, model, t);

  if (a.birthday === undefined || b.birthday === undefined) t.missing('birthday');
  else if (a.birthday === b.birthday) t.add('birthday', 'exact', w.birthday.exact, a.birthday, b.birthday);
  else {
    const level = datesClose(a.birthday, b.birthday) ? 'close' : 'different';
    t.add('birthday', level, w.birthday[level], a.birthday, b.birthday);
  }

  if (a.city === undefined || b.city === undefined) t.missing('city');
  else if (a.city === b.city) t.add('city', 'exact', w.city.exact, a.city, b.city);
  else {
    const s = jaroWinkler(a.city, b.city);
    const level = s >= model.config.similarity.high ? 'fuzzy' : 'different';
    t.add('city', level, w.city[level], a.city, b.city, s);
  }

  compareAddress(a, b, model, t);

  if (a.taxId === undefined || b.taxId === undefined) t.missing('taxId');
  else if (a.taxId === b.taxId) t.add('taxId', 'exact', w.taxId.exact, a.taxId, b.taxId);
  else t.add('taxId', 'different', w.taxId.different, a.taxId, b.taxId);

  out.weight = t.total;
  out.contradictions = t.contradictions & model.contradictionMask;
  return out;
}

function similarity(x: string | undefined, y: string | undefined): number {
  return x === undefined || y === undefined ? 0 : x === y ? 1 : jaroWinkler(x, y);
}

/**
 * log2(m / f) for an exact name of relative frequency f, when term frequencies are known. f is the
 * larger of the name's shares as a first and as a last name: names are compared across the fields
 * when swapped, and a value common in either is common.
 */
function tfWeight(
  model: MatchModel,
  m: number,
  tf: TermFrequencies | undefined,
  key: string,
): number | undefined {
  if (tf === undefined) return undefined;
  const asFirst = tf.firstName(key);
  const asLast = tf.lastName(key);
  if (asFirst === undefined && asLast === undefined) return undefined;
  const f = Math.max(asFirst ?? 0, asLast ?? 0);
  return log2(m / Math.max(f, model.config.termFrequency.minU));
}

/**
 * Which record, if any, has its first and last names the other way round (typed into each other's
 * fields, or a full name split the wrong way): a strong cross match (a.first ≈ b.last or
 * a.last ≈ b.first) better than the straight comparison. Of the two cross pairs, the one that looks
 * more like surnames is the last-name pair, which tells which side is turned; the first names are
 * then still compared as first names, so the first-name contradiction still protects families.
 */
function swappedSide(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  ctx: ScoringContext,
): 0 | 1 | 2 {
  if (a.first === b.first && a.last === b.last) return 0;
  const crossFirst = similarity(a.first, b.last);
  const crossLast = similarity(a.last, b.first);
  if (Math.max(crossFirst, crossLast) < model.config.similarity.high) return 0;
  if (crossFirst + crossLast <= similarity(a.first, b.first) + similarity(a.last, b.last) + 0.05) return 0;
  const crossFirstSurnames = surnameLikeness(a.first, ctx) + surnameLikeness(b.last, ctx);
  const crossLastSurnames = surnameLikeness(a.last, ctx) + surnameLikeness(b.first, ctx);
  // a.first and b.last are the surnames: a is turned; otherwise b is.
  return crossFirstSurnames >= crossLastSurnames ? 1 : 2;
}

/** +1 when a name reads as a surname, -1 as a first name, 0 when it cannot tell (or is absent). */
function surnameLikeness(key: string | undefined, ctx: ScoringContext): number {
  if (key === undefined) return 0;
  if (isKnownFirstName(key)) return -1;
  if (looksLikeSurname(key)) return 1;
  const asFirst = ctx.tf?.firstName(key) ?? 0;
  const asLast = ctx.tf?.lastName(key) ?? 0;
  return asLast > asFirst ? 1 : asFirst > asLast ? -1 : 0;
}

function compareNames(
  a: NormalisedRecord,
  b: NormalisedRecord,
  model: MatchModel,
  ctx: ScoringContext,
  t: Tally,
): void {
  const side = swappedSide(a, b, model, ctx);
  const note = side === 0 ? undefined : `first and last name swapped in ${side === 1 ? 'a' : 'b'}`;
  const firstA = side === 1 ? a.last : a.first;
  const lastA = side === 1 ? a.first : a.last;
  const firstB = side === 2 ? b.last : b.first;
  const lastB = side === 2 ? b.first : b.last;
  // An initial is only ever in a first-name field that stayed one.
  const initialA = side !== 1 && a.firstIsInitial === true;
  const initialB = side !== 2 && b.firstIsInitial === true;
  compareFirstName(firstA, firstB, initialA, initialB, model, ctx, t, note);
  compareLastName(lastA, lastB, model, ctx, t, note);
}

function compareFirstName(
  x: string | undefined,
  y: string | undefined,
  initialX: boolean,
  initialY: boolean,
  model: MatchModel,
  ctx: ScoringContext,
  t: Tally,
  note: string | undefined,
): void {
  const w = model.weights.firstName;
  if (x === undefined || y === undefined) return t.missing('firstName');
  if (initialX || initialY) {
    const matches = initialX ? y.startsWith(x) : x.startsWith(y);
    const level = matches ? 'initial' : 'different';
    return t.add('firstName', level, w[level], x, y, undefined, note);
  }
  if (x === y) {
    const tf = model.config.termFrequency.firstName
      ? tfWeight(model, model.config.fields.firstName.exact.m, ctx.tf, x)
      : undefined;
    return t.add(
      'firstName',
      'exact',
      tf ?? w.exact,
      x,
      y,
      undefined,
      tf === undefined ? note : joinNotes(note, 'term frequency'),
    );
  }
  if (areNameVariants(x, y)) return t.add('firstName', 'alias', w.alias, x, y, undefined, note);
  // Two different names the engine knows are two names, however alike (Aleksey / Aleksandr,
  // Aleksandr / Aleksandra): only a name it does not know may be a typo of the other.
  if (isKnownFirstName(x) && isKnownFirstName(y)) {
    return t.add(
      'firstName',
      'different',
      w.different,
      x,
      y,
      undefined,
      joinNotes(note, 'two different known names'),
    );
  }
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, x, y, model);
  t.add('firstName', level, w[level], x, y, s, note);
}

function joinNotes(a: string | undefined, b: string): string {
  return a === undefined ? b : `${a}; ${b}`;
}

function compareLastName(
  x: string | undefined,
  y: string | undefined,
  model: MatchModel,
  ctx: ScoringContext,
  t: Tally,
  note: string | undefined,
): void {
  const w = model.weights.lastName;
  if (x === undefined || y === undefined) return t.missing('lastName');
  if (x === y) {
    const tf = model.config.termFrequency.lastName
      ? tfWeight(model, model.config.fields.lastName.exact.m, ctx.tf, x)
      : undefined;
    return t.add(
      'lastName',
      'exact',
      tf ?? w.exact,
      x,
      y,
      undefined,
      tf === undefined ? note : joinNotes(note, 'term frequency'),
    );
  }
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, x, y, model);
  t.add('lastName', level, w[level], x, y, s, note);
}

function compareText(
  field: 'patronymic' | 'company',
  x: string | undefined,
  y: string | undefined,
  model: MatchModel,
  t: Tally,
): void {
  const w = model.weights[field];
  if (x === undefined || y === undefined) return t.missing(field);
  if (x === y) return t.add(field, 'exact', w.exact, x, y);
  const s = jaroWinkler(x, y);
  const level = similarityLevel(s, x, y, model);
  t.add(field, level, w[level], x, y, s);
}

function comparePhones(
  xs: readonly string[],
  ys: readonly string[],
  model: MatchModel,
  ctx: ScoringContext,
  t: Tally,
): void {
  const w = model.weights.phone;
  if (xs.length === 0 || ys.length === 0) return t.missing('phone');
  let closeI = -1;
  let closeJ = -1;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (xs[i] === ys[j]) {
        const holders = ctx.phoneHolders?.(xs[i]) ?? 0;
        const free = model.config.sharedPhone.freeHolders;
        if (holders <= free) return t.add('phone', 'exact', w.exact, xs[i], ys[j]);
        const weight = w.exact - log2(holders / free);
        return t.add('phone', 'exact', weight, xs[i], ys[j], undefined, `held by ${holders} records`);
      }
      if (closeI < 0 && xs[i].length === ys[j].length && withinOneEdit(xs[i], ys[j])) {
        closeI = i;
        closeJ = j;
      }
    }
  }
  if (closeI >= 0) return t.add('phone', 'one-edit', w['one-edit'], xs[closeI], ys[closeJ]);
  t.add('phone', 'different', w.different, xs[0], ys[0]);
}

function compareEmails(xs: readonly string[], ys: readonly string[], model: MatchModel, t: Tally): void {
  const w = model.weights.email;
  if (xs.length === 0 || ys.length === 0) return t.missing('email');
  let fuzzyI = -1;
  let fuzzyJ = -1;
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < ys.length; j++) {
      if (xs[i] === ys[j]) return t.add('email', 'exact', w.exact, xs[i], ys[j]);
      if (fuzzyI < 0 && emailsClose(xs[i], ys[j], model.config.similarity.high)) {
        fuzzyI = i;
        fuzzyJ = j;
      }
    }
  }
  if (fuzzyI >= 0) return t.add('email', 'fuzzy', w.fuzzy, xs[fuzzyI], ys[fuzzyJ]);
  t.add('email', 'different', w.different, xs[0], ys[0]);
}

/** Same mailbox name at another provider, or a near-identical name at the same one. */
function emailsClose(x: string, y: string, high: number): boolean {
  const ax = x.lastIndexOf('@');
  const ay = y.lastIndexOf('@');
  if (ax === ay && sameChars(x, 0, y, 0, ax)) return ax >= 5; // same local part
  const domainLength = x.length - ax;
  if (y.length - ay !== domainLength || !sameChars(x, ax, y, ay, domainLength)) return false;
  return jaroWinkler(x.slice(0, ax), y.slice(0, ay)) >= high;
}

function sameChars(x: string, i: number, y: string, j: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (x.charCodeAt(i + k) !== y.charCodeAt(j + k)) return false;
  return true;
}

/** One typed digit off or transposed, or day and month swapped (both "YYYY-MM-DD"). */
export function datesClose(x: string, y: string): boolean {
  if (withinOneEdit(x, y)) return true;
  for (let i = 0; i < 4; i++) if (x.charCodeAt(i) !== y.charCodeAt(i)) return false;
  return (
    x.charCodeAt(5) === y.charCodeAt(8) &&
    x.charCodeAt(6) === y.charCodeAt(9) &&
    x.charCodeAt(8) === y.charCodeAt(5) &&
    x.charCodeAt(9) === y.charCodeAt(6)
  );
}

function compareAddress(a: NormalisedRecord, b: NormalisedRecord, model: MatchModel, t: Tally): void {
  const w = model.weights.address;
  if (a.street === undefined || b.street === undefined) return t.missing('address');
  const explain = t.sink !== undefined;
  const ta = explain ? addressText(a) : undefined;
  const tb = explain ? addressText(b) : undefined;
  const sameHouse = a.house !== undefined && a.house === b.house;
  if (a.street === b.street) {
    if (!sameHouse) return t.add('address', 'street', w.street, ta, tb);
    if (a.flat !== undefined && b.flat !== undefined && a.flat !== b.flat) {
      return t.add('address', 'same-building', w['same-building'], ta, tb);
    }
    return t.add('address', 'exact', w.exact, ta, tb);
  }
  const s = jaroWinkler(a.street, b.street);
  if (sameHouse && s >= model.config.similarity.high) return t.add('address', 'fuzzy', w.fuzzy, ta, tb, s);
  t.add('address', 'different', w.different, ta, tb, s);
}

function addressText(r: NormalisedRecord): string {
  return [r.street, r.house, r.flat].filter((x) => x !== undefined).join(' ');
}

/**
 * The decision for a weight and its contradiction bits: any contradiction caps it at a suggestion,
 * more than `suggestMaxContradictions` make the pair distinct.
 */
export function decide(weight: number, contradictions: number, model: MatchModel): Decision {
  const { autoMerge, suggest, suggestMaxContradictions } = model.config.thresholds;
  if (contradictions === 0)
    return weight >= autoMerge ? 'auto-merge' : weight >= suggest ? 'suggest' : 'distinct';
  return weight >= suggest && bitCount(contradictions) <= suggestMaxContradictions ? 'suggest' : 'distinct';
}

function bitCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
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
