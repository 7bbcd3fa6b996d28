import type {
  AddressJson,
  CompanyJson,
  ContactPersonJson,
  CorporateCustomerJson,
  CustomerJson,
} from '@openretail/contracts';
import { formatCrmDateTime } from '../wire/dates';
import { Problems, dropUndefined, flag, has, idValue, isObject, text, type CrmObject } from '../wire/values';
import {
  addressFromCrm,
  addressToCrm,
  customerRefToCrm,
  mainAddress,
  tagNames,
  tagsEdit,
  withoutEmpty,
  type CustomerMappingContext,
} from './customer-mapping';

/**
 * Corporate customers between RetailCRM API v5 and the platform: `nickName` is the name, companies
 * carry their requisites in `contragent`, contact persons are individual customers named by their
 * numeric id. Pure translation; the customers service applies every rule.
 */

/** RetailCRM's contragent types of a company; an OGRN of 15 digits is an entrepreneur's (OGRNIP). */
const ENTREPRENEUR = 'enterpreneur';

/** A company's requisites from RetailCRM's `contragent` (INN, KPP, OGRN or OGRNIP, bank details). */
export function companyFromCrm(company: CrmObject, field: string, problems: Problems): CompanyJson {
  const c = isObject(company.contragent) ? company.contragent : {};
  if (has(company, 'contragent') && !isObject(company.contragent))
    problems.add(`${field}.contragent`, 'must be an object');
  const out: Record<string, unknown> = {};
  const put = (name: keyof CompanyJson, value: unknown, present: boolean) => {
    if (present) out[name] = text(value) ?? '';
  };
  put('name', company.name, has(company, 'name'));
  if (has(company, 'isMain')) out.main = flag(company.isMain, `${field}.isMain`, problems) ?? false;
  put('legalName', c.legalName, has(c, 'legalName'));
  put('legalAddress', c.legalAddress, has(c, 'legalAddress'));
  put('inn', c.INN, has(c, 'INN'));
  put('kpp', c.KPP, has(c, 'KPP'));
  put('ogrn', c.OGRNIP ?? c.OGRN, has(c, 'OGRN') || has(c, 'OGRNIP'));
  put('bank', c.bank, has(c, 'bank'));
  put('bik', c.BIK, has(c, 'BIK'));
  put('bankAccount', c.bankAccount, has(c, 'bankAccount'));
  put('corrAccount', c.corrAccount, has(c, 'corrAccount'));
  return out as CompanyJson;
}

export function companyToCrm(c: CompanyJson, ctx: CustomerMappingContext): CrmObject {
  const entrepreneur = c.ogrn?.length === 15;
  return dropUndefined({
    id: c.id,
    isMain: c.main ?? false,
    active: true,
    name: c.name,
    createdAt: c.createdAt ? formatCrmDateTime(c.createdAt, ctx.timeZone) : undefined,
    contragent: dropUndefined({
      contragentType: entrepreneur ? ENTREPRENEUR : 'legal-entity',
      legalName: c.legalName,
      legalAddress: c.legalAddress,
      INN: c.inn,
      KPP: c.kpp,
      OGRN: entrepreneur ? undefined : c.ogrn,
      OGRNIP: entrepreneur ? c.ogrn : undefined,
      BIK: c.bik,
      bank: c.bank,
      bankAccount: c.bankAccount,
      corrAccount: c.corrAccount,
    }),
  });
}

/** A contact person: the individual customer (by its RetailCRM reference), main or not, and its company. */
export function contactToCrm(
  contact: ContactPersonJson,
  person: CustomerJson | undefined,
  companies: readonly CompanyJson[],
): CrmObject {
  const company = companies.find((c) => c.id === contact.companyId);
  return dropUndefined({
    id: person?.numericId,
    isMain: contact.main ?? false,
    customer: person ? customerRefToCrm(person) : undefined,
    companies: company ? [{ id: company.id, company: { id: company.id, name: company.name } }] : [],
  });
}

/** A contact's company as RetailCRM names it: `companies: [{id}]` (one here). */
export function contactCompanyFromCrm(contact: CrmObject, field: string, problems: Problems) {
  if (!has(contact, 'companies')) return undefined;
  const list = Array.isArray(contact.companies) ? contact.companies : [];
  if (!Array.isArray(contact.companies)) problems.add(`${field}.companies`, 'must be a list');
  if (list.length > 1) problems.add(`${field}.companies`, 'a contact acts for one company here');
  const first: unknown = list[0];
  return isObject(first)
    ? (text(first.id) ?? (isObject(first.company) ? text(first.company.id) : undefined))
    : '';
}

/** The corporate customer's own fields of a create (companies, contacts and addresses come apart). */
export function corporateFromCrm(corporate: CrmObject, site: string): CorporateCustomerJson {
  const problems = new Problems();
  const companies = listOf(corporate.companies, 'companies', problems).map((c, i) =>
    companyFromCrm(c, `companies[${i}]`, problems),
  );
  const addresses = listOf(corporate.addresses, 'addresses', problems).map((a) =>
    withoutEmpty(addressFromCrm(a)),
  );
  const result: CorporateCustomerJson = dropUndefined({
    site,
    externalId: text(corporate.externalId),
    name: text(corporate.nickName),
    companies: companies.map(withoutEmpty),
    addresses,
    managerId: text(corporate.managerId),
    vip: flag(corporate.vip, 'vip', problems),
    tags: tagNames(corporate.tags, 'tags', problems),
    customFields: isObject(corporate.customFields)
      ? (corporate.customFields as CorporateCustomerJson['customFields'])
      : undefined,
  });
  problems.throwIfAny();
  return result;
}

/** A create's contact persons: the customers they name, main or not (their companies come later). */
export function corporateContactsFromCrm(corporate: CrmObject): { customer: unknown; main: boolean }[] {
  const problems = new Problems();
  const contacts = listOf(corporate.customerContacts, 'customerContacts', problems).map((c, i) => {
    if (has(c, 'companies') && Array.isArray(c.companies) && c.companies.length > 0) {
      problems.add(
        `customerContacts[${i}].companies`,
        'the companies do not exist yet: link them with customers-corporate/{id}/contacts/{contactId}/edit',
      );
    }
    return { customer: c.customer, main: flag(c.isMain, `customerContacts[${i}].isMain`, problems) ?? false };
  });
  problems.throwIfAny();
  return contacts;
}

/** The fields of a corporate edit and their mask; parts are edited with their own methods. */
export function corporateEditFromCrm(
  corporate: CrmObject,
  current: CorporateCustomerJson,
  by: 'id' | 'externalId',
): { corporate: CorporateCustomerJson; mask: string[] } {
  const problems = new Problems();
  for (const part of ['companies', 'customerContacts', 'addresses']) {
    if (has(corporate, part)) {
      const path = part === 'customerContacts' ? 'contacts' : part;
      problems.add(part, `edit them with customers-corporate/{id}/${path}`);
    }
  }
  const out: Record<string, unknown> = {};
  const mask: string[] = [];
  const set = (field: string, value: unknown) => {
    out[field] = value === '' || value === null ? undefined : value;
    mask.push(field);
  };
  if (by === 'id' && has(corporate, 'externalId')) set('externalId', text(corporate.externalId));
  if (has(corporate, 'nickName')) set('name', text(corporate.nickName));
  if (has(corporate, 'managerId')) set('managerId', text(corporate.managerId));
  if (has(corporate, 'vip')) set('vip', flag(corporate.vip, 'vip', problems) ?? false);
  const tags = tagsEdit(corporate, current.tags ?? [], problems);
  if (tags) set('tags', tags);
  if (isObject(corporate.customFields)) {
    for (const [code, value] of Object.entries(corporate.customFields)) {
      if (value !== null && value !== '')
        out.customFields = { ...(out.customFields as object), [code]: value };
      mask.push(`customFields.${code}`);
    }
  }
  problems.throwIfAny();
  return { corporate: dropUndefined(out) as CorporateCustomerJson, mask };
}

/** A corporate customer in RetailCRM's shape; `people` are its contacts' customers by platform id. */
export function corporateToCrm(
  c: CorporateCustomerJson,
  people: ReadonlyMap<string, CustomerJson>,
  ctx: CustomerMappingContext,
): CrmObject {
  const companies = c.companies ?? [];
  const contacts = (c.contacts ?? []).map((contact) =>
    contactToCrm(contact, people.get(contact.customerId ?? ''), companies),
  );
  const main = mainAddress(c.addresses);
  const mainCompany = companies.find((co) => co.main) ?? companies[0];
  const mainContactIndex = (c.contacts ?? []).findIndex((contact) => contact.main);
  return dropUndefined({
    type: 'customer_corporate',
    id: c.numericId,
    externalId: c.externalId,
    nickName: c.name,
    site: c.site,
    createdAt: c.createdAt ? formatCrmDateTime(c.createdAt, ctx.timeZone) : undefined,
    managerId: idValue(c.managerId),
    vip: c.vip ?? false,
    bad: false,
    tags: (c.tags ?? []).map((name) => ({ name, attached: false })),
    customFields: c.customFields ?? {},
    addresses: (c.addresses ?? []).map(addressToCrm),
    mainAddress: main ? dropUndefined({ id: main.id, name: main.name }) : undefined,
    companies: companies.map((co) => companyToCrm(co, ctx)),
    mainCompany: mainCompany ? { id: mainCompany.id, name: mainCompany.name } : undefined,
    customerContacts: contacts,
    mainCustomerContact: mainContactIndex >= 0 ? contacts[mainContactIndex] : undefined,
  });
}

/** A corporate customer's address from RetailCRM (an edit: "" clears a member). */
export function corporateAddressFromCrm(address: unknown, problems: Problems): AddressJson {
  if (!isObject(address)) return problems.add('address', 'must be an object') ?? {};
  return addressFromCrm(address);
}

/**
 * The platform's names of corporate fields as RetailCRM names them: `name` is `nickName`, a
 * company's `inn` is `contragent.INN`.
 */
export function crmCorporateFieldName(field: string): string {
  const rules: [RegExp, string | ((m: string, ...g: string[]) => string)][] = [
    [/^(corporateCustomer\.)?name$/, 'nickName'],
    [/^(corporateCustomer\.)?contacts/, 'customerContacts'],
    [/^(company|companies\[[^\]]+\])\.main$/, '$1.isMain'],
    [
      /^(company|companies\[[^\]]+\])\.(inn|kpp|ogrn|bik)$/,
      (_m, prefix, key) => `${prefix}.contragent.${key.toUpperCase()}`,
    ],
    [
      /^(company|companies\[[^\]]+\])\.(legalName|legalAddress|bank|bankAccount|corrAccount)$/,
      '$1.contragent.$2',
    ],
    [/^(address|addresses\[[^\]]+\])\.postcode$/, '$1.index'],
    [/^(address|addresses\[[^\]]+\])\.country$/, '$1.countryIso'],
    [/^contact\.main$/, 'contact.isMain'],
    [/^contact\.companyId$/, 'contact.companies'],
  ];
  const name = field.replace(/^corporateCustomer\.(?!name$|contacts)/, '');
  for (const [pattern, replacement] of rules) {
    if (!pattern.test(name)) continue;
    return typeof replacement === 'string'
      ? name.replace(pattern, replacement)
      : name.replace(pattern, replacement);
  }
  return name;
}

function listOf(value: unknown, field: string, problems: Problems): CrmObject[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return problems.add(field, 'must be a list') ?? [];
  return value.flatMap((v: unknown, i) =>
    isObject(v) ? [v] : (problems.add(`${field}[${i}]`, 'must be an object'), []),
  );
}
