import { z } from 'zod';
import { ValidationError, codeSchema } from '@openretail/contracts';
import type { ReferenceDataSet } from '../reference-data/reference-data';
import { customFieldCode, fieldKind, type FieldKind } from './field-paths';

export const CHANGE_KINDS = [
  'create',
  'edit',
  'status-change',
  'payment-add',
  'payment-edit',
  'payment-delete',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const ACTOR_SOURCES = ['api', 'manager', 'trigger', 'import', 'integration'] as const;

export type Scalar = string | number | boolean | null;

/**
 * A condition is an object with exactly one key naming its kind. Order conditions look at the order
 * as it will be after the change; wrap them in `before` to look at the order as it was.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  /** The inner condition holds for the order before the change (false when creating). */
  | { before: Condition }
  | { status: string[] }
  | { statusGroup: string[] }
  | { fieldEquals: { path: string; value: Scalar } }
  | { fieldIn: { path: string; values: (string | number)[] } }
  | { fieldEmpty: string }
  | { fieldSet: string }
  | { customFieldEquals: { field: string; value: Scalar } }
  /** Any payment has one of these types. */
  | { paymentTypes: string[] }
  /** A payment (matched by id) has one of these statuses now and did not before. */
  | { paymentBecame: { status: string[] } }
  | { contragentType: 'individual' | 'legal-entity' }
  | { actorGroupsAnyOf: string[] }
  | { actorGroupsNoneOf: string[] }
  | { actorSource: (typeof ACTOR_SOURCES)[number][] }
  | { changeKind: ChangeKind[] }
  /** Any of these paths is among the changed fields. */
  | { fieldChanged: string[] }
  /** The order amount (items - discounts + delivery cost) differs from before (false when creating). */
  | { totalChanged: true };

/** Values are checked only when the field is set: pair with `require` to demand presence. */
export interface Constraint {
  field: string;
  oneOf?: (string | number)[];
  equals?: Scalar;
  min?: number;
  max?: number;
}

export type Effect =
  | { deny: true }
  | { require: string[] }
  | { readOnly: { fields: string[]; except?: string[] } }
  | { constrain: Constraint };

export interface Rule {
  code: string;
  /** A site code, or '*' for every site. */
  site: string;
  active: boolean;
  /** Shown to the user when the rule refuses a change. */
  message: string;
  /** When absent the rule always applies. */
  when?: Condition;
  effect: Effect;
}

/** A rule as written in configuration: `active` defaults to true. */
export type RuleInput = Omit<Rule, 'active'> & { active?: boolean };

/** Codes a rule set may refer to; each list given is checked, each omitted is not. */
export interface RuleLookups {
  sites?: Iterable<string>;
  statuses?: Iterable<string>;
  statusGroups?: Iterable<string>;
  userGroups?: Iterable<string>;
  orderTypes?: Iterable<string>;
  orderMethods?: Iterable<string>;
  deliveryTypes?: Iterable<string>;
  cancelReasons?: Iterable<string>;
  paymentTypes?: Iterable<string>;
  paymentStatuses?: Iterable<string>;
  /** Codes of order custom fields. */
  customFields?: Iterable<string>;
}

/** Every lookup a rule set needs, taken from an installation's reference data. */
export function lookupsFromReferenceData(ref: ReferenceDataSet): Required<RuleLookups> {
  const codes = (list: { code: string }[]) => list.map((x) => x.code);
  return {
    sites: codes(ref.sites),
    statuses: codes(ref.statuses),
    statusGroups: codes(ref.statusGroups),
    userGroups: codes(ref.userGroups),
    orderTypes: codes(ref.orderTypes),
    orderMethods: codes(ref.orderMethods),
    deliveryTypes: codes(ref.deliveryTypes),
    cancelReasons: codes(ref.cancelReasons),
    paymentTypes: codes(ref.paymentTypes),
    paymentStatuses: codes(ref.paymentStatuses),
    customFields: codes(ref.customFields.filter((f) => f.entity === 'order')),
  };
}

type LookupName = keyof RuleLookups;

/** Fields whose values are codes of a dictionary, so the values a rule compares them with are checked too. */
const FIELD_DICTIONARIES: Readonly<Record<string, LookupName>> = {
  site: 'sites',
  status: 'statuses',
  orderType: 'orderTypes',
  orderMethod: 'orderMethods',
  cancelReason: 'cancelReasons',
  'delivery.type': 'deliveryTypes',
};
const CONTRAGENT_TYPES = ['individual', 'legal-entity'] as const;

const CONDITION_KEYS = [
  'all',
  'any',
  'not',
  'before',
  'status',
  'statusGroup',
  'fieldEquals',
  'fieldIn',
  'fieldEmpty',
  'fieldSet',
  'customFieldEquals',
  'paymentTypes',
  'paymentBecame',
  'contragentType',
  'actorGroupsAnyOf',
  'actorGroupsNoneOf',
  'actorSource',
  'changeKind',
  'fieldChanged',
  'totalChanged',
] as const;
const EFFECT_KEYS = ['deny', 'require', 'readOnly', 'constrain'] as const;

/**
 * Schemas are built per call because reference checks close over the lookups; saving a rule set
 * is rare, evaluation never parses.
 */
function buildSchema(lookups: RuleLookups) {
  const sets = Object.fromEntries(
    Object.entries(lookups).map(([name, codes]) => [name, new Set(codes as Iterable<string>)]),
  ) as Partial<Record<LookupName, ReadonlySet<string>>>;

  const known = (lookup: LookupName, what: string) => (code: string, ctx: z.RefinementCtx) => {
    const set = sets[lookup];
    if (set && !set.has(code)) ctx.addIssue({ code: 'custom', message: `unknown ${what} "${code}"` });
  };
  // The lookup runs only on a well-formed code, so a malformed one gets one message, not two.
  const knownCode = (lookup: LookupName, what: string) =>
    codeSchema.pipe(z.string().superRefine(known(lookup, what)));
  const codes = (lookup: LookupName, what: string) =>
    z.array(knownCode(lookup, what)).min(1, 'needs at least one code');
  const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

  /** A known field path, optionally restricted to kinds that support an operation. */
  const path = (allowed?: readonly FieldKind[], operation?: string) =>
    z.string().superRefine((p, ctx) => {
      const kind = fieldKind(p);
      if (!kind) {
        ctx.addIssue({ code: 'custom', message: `"${p}" is not a known order field` });
        return;
      }
      if (allowed && !allowed.includes(kind)) {
        ctx.addIssue({ code: 'custom', message: `${operation} does not apply to "${p}" (${kind})` });
        return;
      }
      const custom = customFieldCode(p);
      if (custom !== undefined) known('customFields', 'order custom field')(custom, ctx);
    });
  const comparable = ['text', 'money', 'list', 'custom'] as const;
  const numeric = ['money', 'custom'] as const;

  /** A value compared with a dictionary field must be a code of that dictionary. */
  const checkValue = (field: string, value: unknown, at: PropertyKey[], ctx: z.RefinementCtx) => {
    if (typeof value !== 'string') return;
    if (field === 'contragent.type' && !(CONTRAGENT_TYPES as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', path: at, message: `must be one of ${CONTRAGENT_TYPES.join(', ')}` });
    }
    const lookup = FIELD_DICTIONARIES[field];
    const set = lookup && sets[lookup];
    if (set && !set.has(value))
      ctx.addIssue({ code: 'custom', path: at, message: `unknown ${lookup} code "${value}"` });
  };

  const condition: z.ZodType<Condition> = z.lazy(() =>
    oneKeyOf(CONDITION_KEYS, 'a condition', {
      all: z.array(condition).min(1, 'needs at least one condition'),
      any: z.array(condition).min(1, 'needs at least one condition'),
      not: condition,
      before: condition,
      status: codes('statuses', 'status'),
      statusGroup: codes('statusGroups', 'status group'),
      fieldEquals: z
        .strictObject({ path: path(comparable, 'equals'), value: scalar })
        .superRefine((c, ctx) => checkValue(c.path, c.value, ['value'], ctx)),
      fieldIn: z
        .strictObject({
          path: path(comparable, 'in'),
          values: z.array(z.union([z.string(), z.number()])).min(1, 'needs at least one value'),
        })
        .superRefine((c, ctx) => c.values.forEach((v, i) => checkValue(c.path, v, ['values', i], ctx))),
      fieldEmpty: path(),
      fieldSet: path(),
      customFieldEquals: z.strictObject({
        field: knownCode('customFields', 'order custom field'),
        value: scalar,
      }),
      paymentTypes: codes('paymentTypes', 'payment type'),
      paymentBecame: z.strictObject({ status: codes('paymentStatuses', 'payment status') }),
      contragentType: z.enum(CONTRAGENT_TYPES),
      actorGroupsAnyOf: codes('userGroups', 'user group'),
      actorGroupsNoneOf: codes('userGroups', 'user group'),
      actorSource: z.array(z.enum(ACTOR_SOURCES)).min(1, 'needs at least one source'),
      changeKind: z.array(z.enum(CHANGE_KINDS)).min(1, 'needs at least one kind'),
      fieldChanged: z.array(path()).min(1, 'needs at least one field'),
      totalChanged: z.literal(true),
    }),
  ) as z.ZodType<Condition>;

  const effect = oneKeyOf(EFFECT_KEYS, 'an effect', {
    deny: z.literal(true),
    require: z.array(path()).min(1, 'needs at least one field'),
    readOnly: z.strictObject({
      fields: z.array(path()).min(1, 'needs at least one field'),
      except: codes('userGroups', 'user group').optional(),
    }),
    constrain: z
      .strictObject({
        field: path(comparable, 'a constraint'),
        oneOf: z
          .array(z.union([z.string(), z.number()]))
          .min(1, 'needs at least one value')
          .optional(),
        equals: scalar.optional(),
        min: z.number().optional(),
        max: z.number().optional(),
      })
      .superRefine((c, ctx) => {
        if (c.oneOf === undefined && c.equals === undefined && c.min === undefined && c.max === undefined) {
          ctx.addIssue({ code: 'custom', message: 'needs oneOf, equals, min or max' });
        }
        if (
          (c.min !== undefined || c.max !== undefined) &&
          !(numeric as readonly string[]).includes(fieldKind(c.field) ?? '')
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['field'],
            message: 'min and max apply to amounts and custom fields only',
          });
        }
        c.oneOf?.forEach((v, i) => checkValue(c.field, v, ['oneOf', i], ctx));
        checkValue(c.field, c.equals, ['equals'], ctx);
      }),
  }) as z.ZodType<Effect>;

  const rule = z.strictObject({
    code: codeSchema,
    site: z.string().superRefine((site, ctx) => {
      if (site === '*') return;
      const parsed = knownCode('sites', 'site').safeParse(site);
      parsed.error?.issues.forEach((i) =>
        ctx.addIssue({ code: 'custom', message: `must be '*' or a site code: ${i.message}` }),
      );
    }),
    active: z.boolean().default(true),
    message: z.string().trim().min(1, 'is required').max(500, 'must be at most 500 characters'),
    when: condition.optional(),
    effect,
  });

  return z.array(rule);
}

/**
 * An object with exactly one of `keys`, whose value matches that key's schema. Written by hand rather
 * than as a zod union so that errors point at the offending key (`when.all[0].status[1]`) instead
 * of "invalid input" for the whole union.
 */
function oneKeyOf<K extends string>(keys: readonly K[], what: string, shapes: Record<K, z.ZodType>) {
  const partial = z.strictObject(
    Object.fromEntries(keys.map((k) => [k, shapes[k].optional()])) as Record<K, z.ZodOptional<z.ZodType>>,
  );
  return partial.superRefine((value, ctx) => {
    const present = keys.filter((k) => (value as Record<K, unknown>)[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          present.length === 0
            ? `${what} needs one of: ${keys.join(', ')}`
            : `${what} has exactly one key, found ${present.join(', ')}`,
      });
    }
  });
}

/**
 * Validates a rule set before it is saved: its shape, non-empty messages, known field paths, unique
 * codes and, for each lookup given, the codes it refers to. Reports every problem at once as a
 * ValidationError with paths like `rules[2].when.all[0].status[1]`.
 */
export function parseRules(input: unknown, lookups: RuleLookups = {}, path = 'rules'): Rule[] {
  const result = buildSchema(lookups).safeParse(input);
  const issues = [...(result.error?.issues ?? []), ...duplicateCodes(input)];
  if (issues.length > 0) {
    throw ValidationError.fromZod({ issues: issues.map((i) => ({ ...i, path: [path, ...i.path] })) });
  }
  return result.data as Rule[];
}

/** Checked on the raw input: zod skips a list's own refinements when an element is invalid. */
function duplicateCodes(input: unknown): { path: PropertyKey[]; message: string }[] {
  if (!Array.isArray(input)) return [];
  const seen = new Set<string>();
  const issues = [];
  for (const [i, rule] of input.entries()) {
    const code: unknown = (rule as { code?: unknown } | null)?.code;
    if (typeof code !== 'string') continue;
    if (seen.has(code)) issues.push({ path: [i, 'code'], message: `duplicate rule code "${code}"` });
    seen.add(code);
  }
  return issues;
}
