import { z } from 'zod';
import { CUSTOM_FIELD_TYPES, ValidationError, codeSchema, type FieldViolation } from '@openretail/contracts';
import { compileRules, type CompiledRuleSet } from '../validation/engine';
import { lookupsFromReferenceData, parseRules } from '../validation/rules';
import { crossReferenceViolations } from './validate-reference-data';

export { codeSchema };

/**
 * Reference data an installation configures: the one dictionary of statuses (grouped), the status
 * matrix, cancel reasons and the other dictionaries orders refer to by code. Validated when saved,
 * so an order can never point at something that does not exist.
 */
const named = {
  code: codeSchema,
  name: z.string().trim().min(1, 'is required').max(255),
  active: z.boolean().default(true),
};
const ordered = { ordering: z.number().int().min(0).default(0) };

/** The fixed kinds of status group; a shop adds its own groups of kind 'custom'. */
export const STATUS_GROUP_KINDS = [
  'new',
  'approval',
  'assembling',
  'delivery',
  'complete',
  'cancel',
  'custom',
] as const;
export type StatusGroupKind = (typeof STATUS_GROUP_KINDS)[number];

export const siteSchema = z.object({
  ...named,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  defaultPhoneRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .default('RU'),
  /** e.g. "{n}A": {n} is the sequence number. */
  orderNumberFormat: z.string().includes('{n}', { message: 'must contain {n}' }).default('{n}'),
  /** What entering a status of the complete group requires on this site. */
  completeRequires: z.array(z.enum(['paid'])).default([]),
  /** Orders not in a final group for longer than this are stale. */
  staleAfterDays: z.number().int().positive().default(30),
  /**
   * Where an order combined into another goes by default: a status of the cancel group (entered
   * along the status matrix) and the cancel reason it records. Without it a combine names both.
   */
  combinedOrders: z.object({ status: codeSchema, cancelReason: codeSchema }).optional(),
});

export const statusGroupSchema = z.object({ ...named, ...ordered, kind: z.enum(STATUS_GROUP_KINDS) });

export const statusSchema = z.object({
  ...named,
  ...ordered,
  group: codeSchema,
  /** An order may stay in this status at most this long (e.g. "new": 15 minutes). */
  timeLimitMinutes: z.number().int().positive().optional(),
});

export const transitionSchema = z.object({
  site: codeSchema,
  from: codeSchema,
  to: codeSchema,
  /** When set, only members of these user groups may make the transition. */
  userGroups: z.array(codeSchema).optional(),
});

export const userGroupSchema = z.object({ ...named });
export const cancelReasonSchema = z.object({ ...named, ...ordered });
export const simpleDictionarySchema = z.object({ ...named, ...ordered });

export const customFieldSchema = z
  .object({
    ...named,
    entity: z.enum(['order', 'customer']),
    type: z.enum(CUSTOM_FIELD_TYPES),
    /** Allowed values of a dictionary field. */
    values: z.array(codeSchema).optional(),
  })
  .refine((f) => f.type !== 'dictionary' || (f.values?.length ?? 0) > 0, {
    path: ['values'],
    message: 'a dictionary field needs at least one value',
  });

/** An IANA time zone the runtime knows, e.g. Europe/Moscow. */
const timeZoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, e.g. Europe/Moscow');

export const DEFAULT_TIME_ZONE = 'Europe/Moscow';

/** Installation-wide settings. */
export const settingsSchema = z.object({
  /**
   * The installation's time zone: the wall clock of its shops. Times are stored in UTC; integrations
   * that write local times without an offset (the RetailCRM API) read and write them in this zone.
   */
  timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
});

export const referenceDataSchema = z.object({
  settings: settingsSchema.default({ timeZone: DEFAULT_TIME_ZONE }),
  sites: z.array(siteSchema),
  statusGroups: z.array(statusGroupSchema),
  statuses: z.array(statusSchema),
  transitions: z.array(transitionSchema),
  userGroups: z.array(userGroupSchema),
  cancelReasons: z.array(cancelReasonSchema),
  orderTypes: z.array(simpleDictionarySchema),
  orderMethods: z.array(simpleDictionarySchema),
  paymentTypes: z.array(simpleDictionarySchema),
  paymentStatuses: z.array(simpleDictionarySchema.extend({ paid: z.boolean().default(false) })),
  deliveryTypes: z.array(simpleDictionarySchema),
  itemStatuses: z.array(simpleDictionarySchema),
  customFields: z.array(customFieldSchema),
  /** The validation rules of every site (see validation/README.md); checked against the rest on save. */
  validationRules: z.array(z.unknown()).default([]),
});

export type Site = z.output<typeof siteSchema>;
export type StatusGroup = z.output<typeof statusGroupSchema>;
export type Status = z.output<typeof statusSchema>;
export type Transition = z.output<typeof transitionSchema>;
export type CancelReason = z.output<typeof cancelReasonSchema>;
export type CustomField = z.output<typeof customFieldSchema>;
export type ReferenceDataInput = z.input<typeof referenceDataSchema>;
export type ReferenceDataSet = z.output<typeof referenceDataSchema>;
export type UserGroup = z.output<typeof userGroupSchema>;
export type DictionaryEntry = z.output<typeof simpleDictionarySchema>;
export type PaymentStatus = ReferenceDataSet['paymentStatuses'][number];

/**
 * Validates reference data as an administrator saves it: the schemas, then every cross-reference
 * (unique codes, statuses in existing groups, a matrix of existing sites, statuses and user groups...).
 * Throws one ValidationError listing every problem, with paths like 'statuses[3].group'.
 */
export function parseReferenceData(input: unknown): ReferenceData {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw ValidationError.field('(reference data)', 'must be an object');
  }
  const violations: FieldViolation[] = [];
  const valid: Partial<Record<keyof ReferenceDataSet, unknown>> = {};
  // Each dictionary on its own, so that one broken entry does not hide the cross-reference problems
  // of the other dictionaries.
  for (const key of Object.keys(referenceDataSchema.shape) as (keyof ReferenceDataSet)[]) {
    const result = referenceDataSchema.shape[key].safeParse((input as Record<string, unknown>)[key]);
    if (result.success) valid[key] = result.data;
    else {
      const issues = result.error.issues.map((issue) => ({ ...issue, path: [key, ...issue.path] }));
      violations.push(...ValidationError.fromZod({ issues }).violations);
    }
  }
  violations.push(...crossReferenceViolations(valid as Partial<ReferenceDataSet>));
  // Codes in rules are checked against the dictionaries only when those are sound themselves.
  const lookups = violations.length === 0 ? lookupsFromReferenceData(valid as ReferenceDataSet) : {};
  let rules: CompiledRuleSet | undefined;
  try {
    rules = compileRules(parseRules(valid.validationRules ?? [], lookups, 'validationRules'));
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    violations.push(...e.violations);
  }
  if (violations.length > 0 || !rules) throw new ValidationError(violations);
  return new ReferenceData(valid as ReferenceDataSet, rules);
}

/**
 * Validated reference data with lookups by code. Build it with parseReferenceData: the lookups rely
 * on the cross-references it checks. Lookups of unknown codes return undefined (or false).
 */
export class ReferenceData {
  private readonly sites: ReadonlyMap<string, Site>;
  private readonly groups: ReadonlyMap<string, StatusGroup>;
  private readonly statuses: ReadonlyMap<string, Status>;
  private readonly transitions: ReadonlyMap<string, Transition[]>;
  private readonly userGroups: ReadonlyMap<string, UserGroup>;
  private readonly cancelReasons: ReadonlyMap<string, CancelReason>;
  private readonly orderTypes: ReadonlyMap<string, DictionaryEntry>;
  private readonly orderMethods: ReadonlyMap<string, DictionaryEntry>;
  private readonly paymentTypes: ReadonlyMap<string, DictionaryEntry>;
  private readonly paymentStatuses: ReadonlyMap<string, PaymentStatus>;
  private readonly deliveryTypes: ReadonlyMap<string, DictionaryEntry>;
  private readonly itemStatuses: ReadonlyMap<string, DictionaryEntry>;
  private readonly customFields: ReadonlyMap<string, CustomField>;

  constructor(
    readonly data: ReferenceDataSet,
    /** The sites' validation rules, compiled once per saved version. */
    readonly rules: CompiledRuleSet,
  ) {
    this.sites = byCode(data.sites);
    this.groups = byCode(data.statusGroups);
    this.statuses = byCode(data.statuses);
    this.userGroups = byCode(data.userGroups);
    this.cancelReasons = byCode(data.cancelReasons);
    this.orderTypes = byCode(data.orderTypes);
    this.orderMethods = byCode(data.orderMethods);
    this.paymentTypes = byCode(data.paymentTypes);
    this.paymentStatuses = byCode(data.paymentStatuses);
    this.deliveryTypes = byCode(data.deliveryTypes);
    this.itemStatuses = byCode(data.itemStatuses);
    this.customFields = new Map(data.customFields.map((f) => [fieldKey(f.entity, f.code), f]));
    const transitions = new Map<string, Transition[]>();
    for (const t of data.transitions) {
      const key = transitionKey(t.site, t.from);
      transitions.set(key, [...(transitions.get(key) ?? []), t]);
    }
    this.transitions = transitions;
  }

  site(code: string): Site | undefined {
    return this.sites.get(code);
  }

  statusGroup(code: string): StatusGroup | undefined {
    return this.groups.get(code);
  }

  status(code: string): Status | undefined {
    return this.statuses.get(code);
  }

  /** The group of a status; undefined for an unknown status. */
  groupOf(statusCode: string): StatusGroup | undefined {
    const status = this.statuses.get(statusCode);
    return status && this.groups.get(status.group);
  }

  /** Complete or cancelled: the order's journey is over, nothing about it can be late any more. */
  isFinal(statusCode: string): boolean {
    return this.isComplete(statusCode) || this.isCancel(statusCode);
  }

  isComplete(statusCode: string): boolean {
    return this.groupOf(statusCode)?.kind === 'complete';
  }

  isCancel(statusCode: string): boolean {
    return this.groupOf(statusCode)?.kind === 'cancel';
  }

  /** Statuses of a group, in display order. */
  statusesOf(groupCode: string): Status[] {
    return this.data.statuses.filter((s) => s.group === groupCode).sort((a, b) => a.ordering - b.ordering);
  }

  /** Where a new order starts: the first active status of the group of kind 'new'. */
  initialStatus(): Status {
    const newGroup = this.data.statusGroups.find((g) => g.kind === 'new');
    const status = newGroup && this.statusesOf(newGroup.code).find((s) => s.active);
    if (!status) throw new Error('reference data has no active status in a group of kind new');
    return status;
  }

  /** The matrix rows of a site leaving a status. */
  transitionsFrom(site: string, from: string): readonly Transition[] {
    return this.transitions.get(transitionKey(site, from)) ?? [];
  }

  transition(site: string, from: string, to: string): Transition | undefined {
    return this.transitionsFrom(site, from).find((t) => t.to === to);
  }

  userGroup(code: string): UserGroup | undefined {
    return this.userGroups.get(code);
  }

  cancelReason(code: string): CancelReason | undefined {
    return this.cancelReasons.get(code);
  }

  orderType(code: string): DictionaryEntry | undefined {
    return this.orderTypes.get(code);
  }

  orderMethod(code: string): DictionaryEntry | undefined {
    return this.orderMethods.get(code);
  }

  paymentType(code: string): DictionaryEntry | undefined {
    return this.paymentTypes.get(code);
  }

  paymentStatus(code: string): PaymentStatus | undefined {
    return this.paymentStatuses.get(code);
  }

  deliveryType(code: string): DictionaryEntry | undefined {
    return this.deliveryTypes.get(code);
  }

  itemStatus(code: string): DictionaryEntry | undefined {
    return this.itemStatuses.get(code);
  }

  customField(entity: CustomField['entity'], code: string): CustomField | undefined {
    return this.customFields.get(fieldKey(entity, code));
  }
}

function byCode<T extends { code: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.code, item]));
}

// Codes cannot contain spaces, so a space separates the parts unambiguously.
const transitionKey = (site: string, from: string) => `${site} ${from}`;
const fieldKey = (entity: string, code: string) => `${entity} ${code}`;
