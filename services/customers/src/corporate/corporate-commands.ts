import {
  ADDRESS_FIELDS,
  COMPANY_FIELDS,
  CONTACT_FIELDS,
  EDITABLE_CORPORATE_FIELDS,
  PermissionDeniedError,
  ValidationError,
  parseInput,
  addressInputSchema,
  companyInputSchema,
  contactPersonInputSchema,
  corporateCustomerInputSchema,
  type CorporateCustomerInput,
  type FieldViolation,
} from '@openretail/contracts';
import type { z } from 'zod';
import { createdEntry, diffStates, type HistoryChange } from '../history/history';
import { addressesOf, customFieldsOf, type CommandContext } from '../profiles/customer-commands';
import type { StoredAddress } from '../profiles/customer.entity';
import { canAccessSite } from '../shared/caller';
import { dropUndefined, getPath, maskProblem, setPath } from '../shared/field-paths';
import { CORPORATE_DIFF, type CompanyState, type ContactState, type CorporateState } from './corporate-state';

/** A command on an existing corporate customer, with its payload as the caller sent it (not yet validated). */
export type CorporateCommand =
  | { kind: 'edit'; input: unknown; mask: readonly string[] }
  | { kind: 'company-add'; input: unknown }
  | { kind: 'company-update'; id: string; input: unknown; mask: readonly string[] }
  | { kind: 'company-remove'; id: string }
  | { kind: 'contact-add'; input: unknown }
  | { kind: 'contact-update'; customerId: string; input: unknown; mask: readonly string[] }
  | { kind: 'contact-remove'; customerId: string }
  | { kind: 'address-add'; input: unknown }
  | { kind: 'address-update'; id: string; input: unknown; mask: readonly string[] }
  | { kind: 'address-remove'; id: string };

export interface PlannedCorporateChange {
  before?: CorporateState;
  after: CorporateState;
  noop: boolean;
  history: HistoryChange[];
}

/** A new corporate customer with its first companies, contacts and addresses. */
export function planCorporateCreate(input: unknown, ctx: CommandContext, id: string): PlannedCorporateChange {
  const parsed = parseInput(corporateCustomerInputSchema, input);
  if (!canAccessSite(ctx.caller, parsed.site)) {
    throw new PermissionDeniedError(`this key has no access to site '${parsed.site}'`);
  }
  const problems: FieldViolation[] = [];
  const companies = parsed.companies.map((c) => companyOf(c, ctx.newId(), ctx.now));
  const contacts = parsed.contacts.map((c) => contactOf(c, ctx.now));
  const after = build(parsed, { id, createdAt: ctx.now, companies, contacts }, undefined, ctx, problems);
  checkContacts(after, problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return { after, noop: false, history: [createdEntry(after, CORPORATE_DIFF)] };
}

/** What a command does to a corporate customer, with its history; throws a ValidationError naming every problem. */
export function planCorporateCommand(
  before: CorporateState,
  command: CorporateCommand,
  ctx: CommandContext,
): PlannedCorporateChange {
  const problems: FieldViolation[] = [];
  const after = apply(before, command, ctx, problems);
  if (after) checkContacts(after, problems);
  if (problems.length > 0 || !after) throw new ValidationError(problems);
  const history = diffStates(before, after, CORPORATE_DIFF);
  return history.length === 0
    ? { before, after: before, noop: true, history }
    : { before, after, noop: false, history };
}

function apply(
  before: CorporateState,
  command: CorporateCommand,
  ctx: CommandContext,
  problems: FieldViolation[],
): CorporateState | undefined {
  const stamp = { ...before, updatedAt: ctx.now };
  switch (command.kind) {
    case 'edit': {
      const base = ownFieldsJson(before);
      masked(
        base,
        command.input,
        command.mask,
        EDITABLE_CORPORATE_FIELDS,
        ['customFields'],
        'corporate customer',
        problems,
      );
      if (problems.length > 0) return undefined;
      const parsed = parseInput(corporateCustomerInputSchema, base);
      return build(parsed, before, before, ctx, problems);
    }
    case 'company-add': {
      const company = companyOf(
        parseInput(companyInputSchema, command.input, 'company'),
        ctx.newId(),
        ctx.now,
      );
      return { ...stamp, companies: withMain([...before.companies, company], company.id, (c) => c.id) };
    }
    case 'company-update': {
      const old = before.companies.find((c) => c.id === command.id);
      if (!old) return notFound(problems, 'company.id', `no company ${command.id}`);
      const base = structuredClone(dropUndefined({ ...old, id: undefined, createdAt: undefined })) as Record<
        string,
        unknown
      >;
      masked(base, command.input, command.mask, COMPANY_FIELDS, [], 'company', problems);
      if (problems.length > 0) return undefined;
      const company = companyOf(parseInput(companyInputSchema, base, 'company'), old.id, old.createdAt);
      const companies = before.companies.map((c) => (c.id === old.id ? company : c));
      return { ...stamp, companies: company.main ? withMain(companies, old.id, (c) => c.id) : companies };
    }
    case 'company-remove': {
      if (!before.companies.some((c) => c.id === command.id)) {
        return notFound(problems, 'companyId', `no company ${command.id}`);
      }
      // A contact acting for the removed company now acts for the corporate customer as a whole.
      return {
        ...stamp,
        companies: before.companies.filter((c) => c.id !== command.id),
        contacts: before.contacts.map((c) =>
          c.companyId === command.id ? dropUndefined({ ...c, companyId: undefined }) : c,
        ),
      };
    }
    case 'contact-add': {
      const contact = contactOf(parseInput(contactPersonInputSchema, command.input, 'contact'), ctx.now);
      if (before.contacts.some((c) => c.customerId === contact.customerId)) {
        problems.push({
          field: 'contact.customerId',
          reason: `customer ${contact.customerId} is already a contact`,
        });
        return undefined;
      }
      return {
        ...stamp,
        contacts: withMain([...before.contacts, contact], contact.customerId, (c) => c.customerId),
      };
    }
    case 'contact-update': {
      const old = before.contacts.find((c) => c.customerId === command.customerId);
      if (!old)
        return notFound(problems, 'contact.customerId', `customer ${command.customerId} is not a contact`);
      const base = structuredClone(dropUndefined({ ...old, createdAt: undefined })) as Record<
        string,
        unknown
      >;
      masked(base, command.input, command.mask, CONTACT_FIELDS, [], 'contact', problems);
      if (problems.length > 0) return undefined;
      const contact = contactOf(parseInput(contactPersonInputSchema, base, 'contact'), old.createdAt);
      const contacts = before.contacts.map((c) => (c.customerId === old.customerId ? contact : c));
      return {
        ...stamp,
        contacts: contact.main ? withMain(contacts, old.customerId, (c) => c.customerId) : contacts,
      };
    }
    case 'contact-remove': {
      if (!before.contacts.some((c) => c.customerId === command.customerId)) {
        return notFound(problems, 'customerId', `customer ${command.customerId} is not a contact`);
      }
      return { ...stamp, contacts: before.contacts.filter((c) => c.customerId !== command.customerId) };
    }
    case 'address-add': {
      const input = parseInput(addressInputSchema, command.input, 'address');
      const [address] = addressesOf([{ ...input, id: undefined }], undefined, ctx, problems);
      return { ...stamp, addresses: withMain([...before.addresses, address], address.id, (a) => a.id) };
    }
    case 'address-update': {
      const old = before.addresses.find((a) => a.id === command.id);
      if (!old) return notFound(problems, 'address.id', `no address ${command.id}`);
      const base = structuredClone(old) as unknown as Record<string, unknown>;
      masked(base, command.input, command.mask, ADDRESS_FIELDS, [], 'address', problems);
      if (problems.length > 0) return undefined;
      const [address] = addressesOf([parseInput(addressInputSchema, base, 'address')], before, ctx, problems);
      const addresses = before.addresses.map((a) => (a.id === old.id ? address : a));
      return { ...stamp, addresses: address.main ? withMain(addresses, old.id, (a) => a.id) : addresses };
    }
    case 'address-remove': {
      if (!before.addresses.some((a) => a.id === command.id)) {
        return notFound(problems, 'addressId', `no address ${command.id}`);
      }
      return { ...stamp, addresses: before.addresses.filter((a) => a.id !== command.id) };
    }
  }
}

/** The corporate customer's own fields from validated input, keeping its companies, contacts and addresses or taking new ones. */
function build(
  input: CorporateCustomerInput,
  kept: Pick<CorporateState, 'id' | 'createdAt' | 'companies' | 'contacts'> & { addresses?: StoredAddress[] },
  before: CorporateState | undefined,
  ctx: CommandContext,
  problems: FieldViolation[],
): CorporateState {
  if (!ctx.ref.phoneRegion(input.site))
    problems.push({ field: 'site', reason: `unknown site '${input.site}'` });
  const addresses = kept.addresses ?? addressesOf(input.addresses, before, ctx, problems);
  return dropUndefined({
    id: kept.id,
    site: input.site,
    externalId: input.externalId,
    name: input.name,
    companies: kept.companies,
    contacts: kept.contacts,
    addresses,
    managerId: input.managerId,
    vip: input.vip,
    tags: [...new Set(input.tags)],
    customFields: customFieldsOf(input.customFields, ctx.ref, problems),
    createdAt: kept.createdAt,
    updatedAt: ctx.now,
  });
}

/** A contact's company must be one of the corporate customer's companies; a person is a contact once. */
function checkContacts(after: CorporateState, problems: FieldViolation[]): void {
  const companies = new Set(after.companies.map((c) => c.id));
  const seen = new Set<string>();
  after.contacts.forEach((contact, i) => {
    if (contact.companyId && !companies.has(contact.companyId)) {
      problems.push({
        field: `contacts[${i}].companyId`,
        reason: `no company ${contact.companyId} in this corporate customer`,
      });
    }
    if (seen.has(contact.customerId)) {
      problems.push({
        field: `contacts[${i}].customerId`,
        reason: `customer ${contact.customerId} is already a contact`,
      });
    }
    seen.add(contact.customerId);
  });
}

/** The own fields as input JSON (with the addresses, which the create schema carries too). */
function ownFieldsJson(c: CorporateState): Record<string, unknown> {
  return structuredClone(
    dropUndefined({
      site: c.site,
      externalId: c.externalId,
      name: c.name,
      managerId: c.managerId,
      vip: c.vip,
      tags: c.tags,
      customFields: c.customFields,
    }),
  ) as Record<string, unknown>;
}

function masked(
  base: Record<string, unknown>,
  input: unknown,
  mask: readonly string[],
  fields: readonly string[],
  maps: readonly string[],
  what: string,
  problems: FieldViolation[],
): void {
  if (mask.length === 0) problems.push({ field: 'updateMask', reason: 'name at least one field to change' });
  mask.forEach((path, i) => {
    const problem = maskProblem(path, fields, maps, what);
    if (problem) problems.push({ field: `updateMask[${i}]`, reason: problem });
    else setPath(base, path, getPath(input, path));
  });
}

/** Exactly `id` is main among the list (setting one main takes it from the others). */
function withMain<T extends { main?: boolean }>(list: T[], id: string, idOf: (item: T) => string): T[] {
  const chosen = list.find((item) => idOf(item) === id);
  if (!chosen?.main) return list;
  return list.map((item) =>
    idOf(item) === id || !item.main ? item : dropUndefined({ ...item, main: false }),
  );
}

function companyOf(input: z.output<typeof companyInputSchema>, id: string, createdAt: Date): CompanyState {
  return dropUndefined({ ...input, id, createdAt });
}

function contactOf(input: z.output<typeof contactPersonInputSchema>, createdAt: Date): ContactState {
  return dropUndefined({ ...input, createdAt });
}

function notFound(problems: FieldViolation[], field: string, reason: string): undefined {
  problems.push({ field, reason });
  return undefined;
}
