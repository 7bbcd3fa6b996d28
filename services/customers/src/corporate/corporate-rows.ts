import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '@openretail/contracts';
import { searchKey } from '../profiles/customer-state';
import { canAccessSite, type Caller } from '../shared/caller';
import { describeKey, whereKey, type CustomerKey } from '../shared/customer-key';
import { dropUndefined } from '../shared/field-paths';
import { CorporateCustomer } from './corporate-customer.entity';
import { CorporateCompany, CorporateContact } from './corporate-parts.entity';
import type { CompanyState, ContactState, CorporateState, CorporateView } from './corporate-state';

export interface CorporateRows {
  row: CorporateCustomer;
  companies: CorporateCompany[];
  contacts: CorporateContact[];
}

/** The corporate customer with its parts; NotFound also for a site the caller may not see. */
export async function loadCorporate(
  em: EntityManager,
  key: CustomerKey,
  caller: Caller,
  lockMode?: LockMode,
): Promise<CorporateRows> {
  const row = await em.findOne(CorporateCustomer, whereKey(key), lockMode ? { lockMode } : {});
  if (!row || !canAccessSite(caller, row.site)) {
    throw new NotFoundError(`corporate customer ${describeKey(key)} not found`);
  }
  const [withParts] = await partsOf(em, [row]);
  return withParts;
}

/** The companies and contacts of several corporate customers, in two queries. */
export async function partsOf(em: EntityManager, rows: CorporateCustomer[]): Promise<CorporateRows[]> {
  const ids = rows.map((r) => r.id);
  const [companies, contacts] = await Promise.all([
    em.find(
      CorporateCompany,
      { corporateCustomerId: { $in: ids } },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    ),
    em.find(
      CorporateContact,
      { corporateCustomerId: { $in: ids } },
      { orderBy: { createdAt: 'asc', customerId: 'asc' } },
    ),
  ]);
  return rows.map((row) => ({
    row,
    companies: companies.filter((c) => c.corporateCustomerId === row.id),
    contacts: contacts.filter((c) => c.corporateCustomerId === row.id),
  }));
}

export function corporateStateOf({ row, companies, contacts }: CorporateRows): CorporateState {
  return dropUndefined({
    id: row.id,
    site: row.site,
    externalId: row.externalId ?? undefined,
    name: row.name,
    companies: companies.map(companyStateOf),
    contacts: contacts.map((c) =>
      dropUndefined<ContactState>({
        customerId: c.customerId,
        role: c.role ?? undefined,
        main: c.main,
        companyId: c.companyId ?? undefined,
        createdAt: c.createdAt,
      }),
    ),
    addresses: row.addresses,
    managerId: row.managerId ?? undefined,
    vip: row.vip,
    tags: row.tags,
    customFields: row.customFields,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

function companyStateOf(c: CorporateCompany): CompanyState {
  return dropUndefined({
    id: c.id,
    name: c.name,
    main: c.main,
    legalName: c.legalName ?? undefined,
    inn: c.inn ?? undefined,
    kpp: c.kpp ?? undefined,
    ogrn: c.ogrn ?? undefined,
    taxNumber: c.taxNumber ?? undefined,
    legalAddress: c.legalAddress ?? undefined,
    bank: c.bank ?? undefined,
    bik: c.bik ?? undefined,
    bankAccount: c.bankAccount ?? undefined,
    corrAccount: c.corrAccount ?? undefined,
    createdAt: c.createdAt,
  });
}

export function corporateViewOf(rows: CorporateRows, state = corporateStateOf(rows)): CorporateView {
  return {
    corporate: state,
    numericId: rows.row.numericId,
    ...(rows.row.mergedInto ? { mergedInto: rows.row.mergedInto } : {}),
    version: rows.row.version,
  };
}

/** The corporate customer's own columns, with its search key. */
export function corporateColumnsOf(c: CorporateState) {
  return {
    externalId: c.externalId ?? null,
    name: c.name,
    nameKey: searchKey(c.name) ?? '',
    addresses: c.addresses,
    managerId: c.managerId ?? null,
    vip: c.vip,
    tags: c.tags,
    customFields: c.customFields,
    updatedAt: c.updatedAt,
  } as Partial<CorporateCustomer>;
}

/** Writes the parts of the new state: new ones created, changed ones updated, gone ones removed. */
export function syncParts(em: EntityManager, rows: Omit<CorporateRows, 'row'>, after: CorporateState): void {
  const companies = new Map(rows.companies.map((c) => [c.id, c]));
  for (const company of after.companies) {
    const columns = { ...withNulls(company, COMPANY_OPTIONAL), corporateCustomerId: after.id };
    const existing = companies.get(company.id);
    if (existing) em.assign(existing, columns);
    else em.create(CorporateCompany, columns as CorporateCompany);
    companies.delete(company.id);
  }
  companies.forEach((gone) => em.remove(gone));

  const contacts = new Map(rows.contacts.map((c) => [c.customerId, c]));
  for (const contact of after.contacts) {
    const columns = { ...withNulls(contact, CONTACT_OPTIONAL), corporateCustomerId: after.id };
    const existing = contacts.get(contact.customerId);
    if (existing) em.assign(existing, columns);
    else em.create(CorporateContact, columns as CorporateContact);
    contacts.delete(contact.customerId);
  }
  contacts.forEach((gone) => em.remove(gone));
}

const COMPANY_OPTIONAL = [
  'legalName',
  'inn',
  'kpp',
  'ogrn',
  'taxNumber',
  'legalAddress',
  'bank',
  'bik',
  'bankAccount',
  'corrAccount',
] as const;
const CONTACT_OPTIONAL = ['role', 'companyId'] as const;

/** A part's columns, its optional members null when not set (so an update clears them). */
function withNulls<T extends object>(part: T, optional: readonly string[]): T {
  return { ...Object.fromEntries(optional.map((k) => [k, null])), ...part };
}
