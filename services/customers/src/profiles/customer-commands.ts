import {
  CUSTOMER_MERGED_FIELDS,
  EDITABLE_CUSTOMER_FIELDS,
  PermissionDeniedError,
  ValidationError,
  parseInput,
  customFieldProblem,
  customerProfileInputSchema,
  type AddressInput,
  type CustomFieldValue,
  type CustomerProfileInput,
  type FieldViolation,
} from '@openretail/contracts';
import { createdEntry, diffStates, type HistoryChange } from '../history/history';
import { normalisePhone } from '../matching/normalise/phone';
import type { CustomerReferenceData } from '../reference-data/customer-reference-data';
import { canAccessSite, type Caller } from '../shared/caller';
import { dropUndefined, getPath, maskProblem, setPath } from '../shared/field-paths';
import { applyConsent } from './consent';
import type { StoredAddress, StoredPhone } from './customer.entity';
import { CUSTOMER_DIFF, emailKey, type CustomerState } from './customer-state';

export interface CommandContext {
  ref: CustomerReferenceData;
  caller: Caller;
  now: Date;
  newId(): string;
}

export interface PlannedCustomerChange {
  before?: CustomerState;
  after: CustomerState;
  /** Nothing would change (an edit to the same values). */
  noop: boolean;
  history: HistoryChange[];
}

/**
 * A new individual customer from what the caller sent (public JSON, not yet validated): the schema,
 * the site scope, the site and custom fields of the reference data, phones normalised with the
 * site's region, the consent rules. Throws a ValidationError naming every problem of the first
 * failing stage, or PermissionDeniedError for a site the caller may not write to.
 */
export function planCustomerCreate(input: unknown, ctx: CommandContext, id: string): PlannedCustomerChange {
  const parsed = parse(input);
  if (!canAccessSite(ctx.caller, parsed.site)) {
    throw new PermissionDeniedError(`this key has no access to site '${parsed.site}'`);
  }
  const after = build(parsed, undefined, ctx, { id, createdAt: ctx.now });
  return { after, noop: false, history: [createdEntry(after, CUSTOMER_DIFF)] };
}

/** An edit of the fields named by `mask` (paths as in the public JSON: "phones", "consent.sms", "customFields.interests"). */
export function planCustomerEdit(
  before: CustomerState,
  input: unknown,
  mask: readonly string[],
  ctx: CommandContext,
): PlannedCustomerChange {
  const problems: FieldViolation[] = [];
  if (mask.length === 0) problems.push({ field: 'updateMask', reason: 'name at least one field to change' });
  const base = toInputJson(before);
  mask.forEach((path, i) => {
    const problem =
      path === 'site'
        ? "a customer's site never changes"
        : maskProblem(path, EDITABLE_CUSTOMER_FIELDS, CUSTOMER_MERGED_FIELDS, 'customer');
    if (problem) problems.push({ field: `updateMask[${i}]`, reason: problem });
    else setPath(base, path, getPath(input, path));
  });
  if (problems.length > 0) throw new ValidationError(problems);
  const after = build(parse(base), before, ctx, before);
  const history = diffStates(before, after, CUSTOMER_DIFF);
  return history.length === 0
    ? { before, after: before, noop: true, history }
    : { before, after, noop: false, history };
}

/** The state as input JSON: what an edit starts from before the masked fields are replaced. */
export function toInputJson(c: CustomerState): Record<string, unknown> {
  return structuredClone(
    dropUndefined({
      site: c.site,
      externalId: c.externalId,
      firstName: c.firstName,
      lastName: c.lastName,
      patronymic: c.patronymic,
      phones: c.phones.map((p) => p.number),
      emails: c.emails,
      addresses: c.addresses,
      birthday: c.birthday,
      sex: c.sex,
      tags: c.tags,
      customFields: c.customFields,
      consent: Object.fromEntries(
        Object.entries(c.consent).map(([channel, { status, at }]) => [channel, { status, at }]),
      ),
      managerId: c.managerId,
      vip: c.vip,
    }),
  ) as Record<string, unknown>;
}

function parse(input: unknown): CustomerProfileInput {
  return parseInput(customerProfileInputSchema, input);
}

/** The state the validated input makes, with the rules that need the reference data or the stored profile. */
function build(
  input: CustomerProfileInput,
  before: CustomerState | undefined,
  ctx: CommandContext,
  fixed: { id: string; createdAt: Date },
): CustomerState {
  const problems: FieldViolation[] = [];
  const region = ctx.ref.phoneRegion(input.site);
  if (!region) throw ValidationError.field('site', `unknown site '${input.site}'`);

  const phones = uniqueBy(
    input.phones.map((number): StoredPhone => {
      const e164 = normalisePhone(number, region);
      return e164 ? { number, e164 } : { number };
    }),
    (p) => p.e164 ?? p.number.replace(/\D/g, ''),
  );
  const emails = uniqueBy(input.emails, emailKey);
  const addresses = addressesOf(input.addresses, before, ctx, problems);
  const customFields = customFieldsOf(input.customFields, ctx.ref, problems);
  const { consent, problems: consentProblems } = applyConsent(
    before?.consent ?? {},
    input.consent,
    { email: emails.length > 0, phone: phones.some((p) => p.e164) },
    { now: ctx.now, source: ctx.caller.source },
  );
  problems.push(...consentProblems);
  if (
    !input.firstName &&
    !input.lastName &&
    phones.length === 0 &&
    emails.length === 0 &&
    !input.externalId
  ) {
    problems.push({
      field: '(customer)',
      reason: 'a customer needs a name, a phone, an email or an externalId',
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  return dropUndefined({
    id: fixed.id,
    site: input.site,
    externalId: input.externalId,
    firstName: input.firstName,
    lastName: input.lastName,
    patronymic: input.patronymic,
    phones,
    emails,
    addresses,
    birthday: input.birthday,
    sex: input.sex,
    tags: [...new Set(input.tags)],
    customFields,
    consent,
    managerId: input.managerId,
    vip: input.vip,
    createdAt: fixed.createdAt,
    updatedAt: ctx.now,
  });
}

/** Addresses keep their ids; a new one gets an id, and an id the customer does not have is refused. */
export function addressesOf(
  input: AddressInput[],
  before: { addresses: StoredAddress[] } | undefined,
  ctx: Pick<CommandContext, 'newId'>,
  problems: FieldViolation[],
): StoredAddress[] {
  const existing = new Set(before?.addresses.map((a) => a.id) ?? []);
  return input.map((address, i) => {
    if (address.id !== undefined && !existing.has(address.id)) {
      problems.push({
        field: `addresses[${i}].id`,
        reason: `no address ${address.id}; leave id out for a new address`,
      });
    }
    return dropUndefined({ ...address, id: address.id ?? ctx.newId(), main: address.main || undefined });
  });
}

/** Custom fields by their definitions for customers; null clears a field. */
export function customFieldsOf(
  input: Record<string, CustomFieldValue>,
  ref: CustomerReferenceData,
  problems: FieldViolation[],
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [code, value] of Object.entries(input)) {
    const field = `customFields.${code}`;
    const definition = ref.customField(code);
    if (!definition) {
      problems.push({ field, reason: `unknown customer custom field '${code}'` });
      continue;
    }
    const problem = customFieldProblem(definition.type, definition.values, value);
    if (problem) problems.push({ field, reason: problem });
    else if (value !== null) out[code] = value;
  }
  return out;
}

function uniqueBy<T>(list: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
