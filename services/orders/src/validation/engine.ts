import { PreconditionError, ValidationError } from '@openretail/contracts';
import type { Actor, OrderState } from '../orders/order-state';
import { orderTotal } from '../totals/totals';
import {
  diffChangedFields,
  fieldKind,
  fieldReader,
  isSet,
  pathTouches,
  sameValue,
  type FieldReader,
} from './field-paths';
import type { ChangeKind, Condition, Constraint, Effect, Rule, Scalar } from './rules';

export interface EvaluationContext {
  /** The order before the change; absent when it is being created. */
  before?: OrderState;
  /** The order as it will be if the change is accepted. */
  after: OrderState;
  change: {
    kind: ChangeKind;
    /** Paths as diffChangedFields reports them; computed from before/after when omitted. */
    changedFields?: readonly string[];
  };
  actor: Actor;
  /** The group code of a status code (from reference data). */
  statusGroupOf(status: string): string | undefined;
}

export type EffectKind = 'deny' | 'require' | 'readOnly' | 'constrain';

export interface Violation {
  rule: string;
  effect: EffectKind;
  /** The field the violation is about (require, readOnly, constrain). */
  field?: string;
  message: string;
}

export interface EvaluationResult {
  ok: boolean;
  violations: Violation[];
}

/** What a compiled condition sees: the order it looks at (after, or before inside `before`) and the change. */
interface Scope {
  order: OrderState;
  ctx: EvaluationContext;
  changed(): readonly string[];
}
type Predicate = (scope: Scope) => boolean;
type Check = (scope: Scope, rule: CompiledRule) => Violation[];

interface CompiledRule {
  code: string;
  message: string;
  applies: Predicate;
  check: Check;
}

/** A rule set turned into closures once, so that evaluating it on every command parses nothing. */
export class CompiledRuleSet {
  private readonly bySite = new Map<string, CompiledRule[]>();
  private readonly everySite: CompiledRule[];

  /** @internal use compileRules */
  constructor(rules: readonly Rule[]) {
    const active = rules.filter((r) => r.active).map((r) => ({ site: r.site, rule: compileRule(r) }));
    this.everySite = active.filter((c) => c.site === '*').map((c) => c.rule);
    for (const site of new Set(active.map((c) => c.site))) {
      // Keeps the configured order: site rules and '*' rules interleaved as written.
      const rulesOfSite = active.filter((c) => c.site === site || c.site === '*').map((c) => c.rule);
      if (site !== '*') this.bySite.set(site, rulesOfSite);
    }
  }

  evaluate(ctx: EvaluationContext): EvaluationResult {
    const rules = this.bySite.get(ctx.after.site) ?? this.everySite;
    let changed = ctx.change.changedFields;
    const scope: Scope = {
      order: ctx.after,
      ctx,
      changed: () => (changed ??= diffChangedFields(ctx.before, ctx.after)),
    };
    const violations: Violation[] = [];
    for (const rule of rules) {
      if (rule.applies(scope)) violations.push(...rule.check(scope, rule));
    }
    return { ok: violations.length === 0, violations };
  }
}

/** Compiles active rules once; keep the result for as long as the rule set does not change. */
export function compileRules(rules: readonly Rule[]): CompiledRuleSet {
  return new CompiledRuleSet(rules);
}

/** Every violation of every applicable rule (for a dry run, or to show all problems at once). */
export function evaluate(rules: CompiledRuleSet, ctx: EvaluationContext): EvaluationResult {
  return rules.evaluate(ctx);
}

/**
 * Throws when the result has violations. A `deny` refuses the change as a whole: PreconditionError
 * (FAILED_PRECONDITION) whose message lists every violation. Otherwise every violation is about a
 * field (require, readOnly, constrain): ValidationError (INVALID_ARGUMENT) with one
 * `{ field, reason: message }` per violation, so a client can mark the fields.
 */
export function assertValid(result: EvaluationResult): void {
  if (result.ok) return;
  if (result.violations.some((v) => v.effect === 'deny')) {
    const messages = result.violations.map((v) => (v.field ? `${v.field}: ${v.message}` : v.message));
    throw new PreconditionError([...new Set(messages)].join('; '));
  }
  throw new ValidationError(
    result.violations.map((v) => ({ field: v.field ?? '(order)', reason: v.message })),
  );
}

function compileRule(rule: Rule): CompiledRule {
  return {
    code: rule.code,
    message: rule.message,
    applies: rule.when ? compileCondition(rule.when) : () => true,
    check: compileEffect(rule.effect),
  };
}

function compileCondition(c: Condition): Predicate {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    return (s) => parts.every((p) => p(s));
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return (s) => parts.some((p) => p(s));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (s) => !inner(s);
  }
  if ('before' in c) {
    const inner = compileCondition(c.before);
    return (s) => s.ctx.before !== undefined && inner({ ...s, order: s.ctx.before });
  }
  if ('status' in c) {
    const codes = new Set(c.status);
    return (s) => codes.has(s.order.status);
  }
  if ('statusGroup' in c) {
    const groups = new Set(c.statusGroup);
    return (s) => groups.has(s.ctx.statusGroupOf(s.order.status) ?? '');
  }
  if ('fieldEquals' in c) return fieldMatches(c.fieldEquals.path, [c.fieldEquals.value]);
  if ('fieldIn' in c) return fieldMatches(c.fieldIn.path, c.fieldIn.values);
  if ('customFieldEquals' in c) {
    return fieldMatches(`customFields.${c.customFieldEquals.field}`, [c.customFieldEquals.value]);
  }
  if ('fieldEmpty' in c) {
    const read = fieldReader(c.fieldEmpty);
    return (s) => !isSet(read(s.order));
  }
  if ('fieldSet' in c) {
    const read = fieldReader(c.fieldSet);
    return (s) => isSet(read(s.order));
  }
  if ('paymentTypes' in c) {
    const types = new Set(c.paymentTypes);
    return (s) => s.order.payments.some((p) => types.has(p.type));
  }
  if ('paymentBecame' in c) {
    const statuses = new Set(c.paymentBecame.status);
    return ({ ctx }) => {
      const previous = new Map(ctx.before?.payments.map((p) => [p.id, p.status]));
      return ctx.after.payments.some(
        (p) => statuses.has(p.status) && !statuses.has(previous.get(p.id) ?? ''),
      );
    };
  }
  if ('contragentType' in c) {
    const type = c.contragentType;
    return (s) => s.order.contragent.type === type;
  }
  if ('actorGroupsAnyOf' in c) {
    const groups = new Set(c.actorGroupsAnyOf);
    return (s) => s.ctx.actor.groups.some((g) => groups.has(g));
  }
  if ('actorGroupsNoneOf' in c) {
    const groups = new Set(c.actorGroupsNoneOf);
    return (s) => !s.ctx.actor.groups.some((g) => groups.has(g));
  }
  if ('actorSource' in c) {
    const sources = new Set<string>(c.actorSource);
    return (s) => sources.has(s.ctx.actor.source);
  }
  if ('changeKind' in c) {
    const kinds = new Set<string>(c.changeKind);
    return (s) => kinds.has(s.ctx.change.kind);
  }
  if ('fieldChanged' in c) {
    const paths = c.fieldChanged;
    return (s) => s.changed().some((changed) => paths.some((p) => pathTouches(p, changed)));
  }
  // totalChanged: the only kind left.
  // orderTotal throws a ValidationError for amounts that do not add up: such an order is refused anyway.
  return ({ ctx }) => ctx.before !== undefined && !sameValue(orderTotal(ctx.before), orderTotal(ctx.after));
}

/** Whether the field's value (any element of a list) equals one of `values`. */
function fieldMatches(path: string, values: readonly Scalar[]): Predicate {
  const read = comparableReader(path);
  const wanted = new Set<unknown>(values);
  // null in a rule means "empty"; an absent field reads as undefined.
  const wantsEmpty = wanted.has(null);
  return (s) => {
    const value = read(s.order);
    if (!isSet(value)) return wantsEmpty;
    return Array.isArray(value) ? value.some((v) => wanted.has(v)) : wanted.has(value);
  };
}

/** Reads a field as rules compare it: Money as its amount in minor units. */
function comparableReader(path: string): FieldReader {
  const read = fieldReader(path);
  if (fieldKind(path) !== 'money') return read;
  return (order) => (read(order) as { amountMinor: number } | undefined)?.amountMinor;
}

function compileEffect(effect: Effect): Check {
  if ('deny' in effect) return (_s, rule) => [{ rule: rule.code, effect: 'deny', message: rule.message }];
  if ('require' in effect) {
    const fields = effect.require.map((path) => ({ path, read: fieldReader(path) }));
    return (s, rule) =>
      fields
        .filter((f) => !isSet(f.read(s.order)))
        .map((f) => ({ rule: rule.code, effect: 'require', field: f.path, message: rule.message }));
  }
  if ('readOnly' in effect) {
    const { fields } = effect.readOnly;
    const except = new Set(effect.readOnly.except);
    return (s, rule) => {
      // Nothing is read-only while an order is being created, nor for the excepted groups.
      if (!s.ctx.before || s.ctx.actor.groups.some((g) => except.has(g))) return [];
      const changed = s.changed();
      return fields
        .filter((f) => changed.some((c) => pathTouches(f, c)))
        .map((f) => ({ rule: rule.code, effect: 'readOnly', field: f, message: rule.message }));
    };
  }
  const satisfied = compileConstraint(effect.constrain);
  const field = effect.constrain.field;
  return (s, rule) =>
    satisfied(s.order) ? [] : [{ rule: rule.code, effect: 'constrain', field, message: rule.message }];
}

function compileConstraint(c: Constraint): (order: OrderState) => boolean {
  const read = comparableReader(c.field);
  const oneOf = c.oneOf && new Set<unknown>(c.oneOf);
  return (order) => {
    const value = read(order);
    if (!isSet(value)) return true;
    const values = Array.isArray(value) ? value : [value];
    return values.every(
      (v) =>
        (!oneOf || oneOf.has(v)) &&
        (c.equals === undefined || v === c.equals) &&
        (c.min === undefined || (typeof v === 'number' && v >= c.min)) &&
        (c.max === undefined || (typeof v === 'number' && v <= c.max)),
    );
  };
}
