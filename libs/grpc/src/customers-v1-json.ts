import type {
  AddressJson,
  CompanyJson,
  ConsentChannel,
  ConsentJson,
  ContactPersonJson,
  CorporateCustomerJson,
  CustomerJson,
  CustomerNoteJson,
} from '@openretail/contracts';
import type { Address, Address__Output } from './generated/openretail/customers/v1/Address';
import type { Company, Company__Output } from './generated/openretail/customers/v1/Company';
import type { Consent, Consent__Output } from './generated/openretail/customers/v1/Consent';
import type { Consents, Consents__Output } from './generated/openretail/customers/v1/Consents';
import type { ContactPerson, ContactPerson__Output } from './generated/openretail/customers/v1/ContactPerson';
import type {
  CorporateCustomer,
  CorporateCustomer__Output,
} from './generated/openretail/customers/v1/CorporateCustomer';
import type { Customer, Customer__Output } from './generated/openretail/customers/v1/Customer';
import type { CustomerNote, CustomerNote__Output } from './generated/openretail/customers/v1/CustomerNote';
import {
  compact,
  customFieldsIn,
  customFieldsOut,
  moneyIn,
  moneyOut,
  str,
  timeIn,
  timeOut,
} from './proto-values';

/**
 * The one translation between the public customer JSON (CustomerJson, CorporateCustomerJson) and
 * openretail.customers.v1, used both ways by the gateway and the customers service. Empty strings
 * and currency-less money are absent (see proto-values.ts).
 */

const CHANNELS: readonly ConsentChannel[] = ['email', 'sms', 'messengers'];

export function customerFromProto(c: Customer__Output, field = 'customer'): CustomerJson {
  const m = c.metrics;
  return compact<CustomerJson>({
    id: str(c.id),
    numericId: Number(c.numericId) > 0 ? Number(c.numericId) : undefined,
    site: str(c.site),
    externalId: str(c.externalId),
    firstName: str(c.firstName),
    lastName: str(c.lastName),
    patronymic: str(c.patronymic),
    phones: c.phones.map((p) => compact({ number: p.number, e164: str(p.e164) })),
    emails: c.emails,
    addresses: c.addresses.map(addressFromProto),
    birthday: str(c.birthday),
    sex: str(c.sex),
    tags: c.tags,
    customFields: customFieldsIn(c.customFields),
    consent: consentsFromProto(c.consent, `${field}.consent`),
    managerId: str(c.managerId),
    vip: c.vip,
    metrics: m
      ? compact({
          ordersCount: m.ordersCount,
          totalSpent: moneyIn(m.totalSpent, `${field}.metrics.totalSpent`),
          averageCheck: moneyIn(m.averageCheck, `${field}.metrics.averageCheck`),
          paidTotal: moneyIn(m.paidTotal, `${field}.metrics.paidTotal`),
          cancellations: m.cancellations,
          firstOrderAt: timeIn(m.firstOrderAt, `${field}.metrics.firstOrderAt`),
          lastOrderAt: timeIn(m.lastOrderAt, `${field}.metrics.lastOrderAt`),
        })
      : undefined,
    mergedInto: str(c.mergedInto),
    version: Number(c.version) > 0 ? Number(c.version) : undefined,
    createdAt: timeIn(c.createdAt, `${field}.createdAt`),
    updatedAt: timeIn(c.updatedAt, `${field}.updatedAt`),
  });
}

export function customerToProto(c: CustomerJson, field = 'customer'): Customer {
  const m = c.metrics;
  return {
    id: c.id,
    numericId: c.numericId,
    site: c.site,
    externalId: c.externalId,
    firstName: c.firstName,
    lastName: c.lastName,
    patronymic: c.patronymic,
    phones: c.phones,
    emails: c.emails,
    addresses: c.addresses?.map(addressToProto),
    birthday: c.birthday,
    sex: c.sex,
    tags: c.tags,
    customFields: customFieldsOut(c.customFields),
    consent: c.consent && consentsToProto(c.consent),
    managerId: c.managerId,
    vip: c.vip,
    metrics: m && {
      ordersCount: m.ordersCount,
      totalSpent: moneyOut(m.totalSpent, `${field}.metrics.totalSpent`),
      averageCheck: moneyOut(m.averageCheck, `${field}.metrics.averageCheck`),
      paidTotal: moneyOut(m.paidTotal, `${field}.metrics.paidTotal`),
      cancellations: m.cancellations,
      firstOrderAt: timeOut(m.firstOrderAt),
      lastOrderAt: timeOut(m.lastOrderAt),
    },
    mergedInto: c.mergedInto,
    version: c.version,
    createdAt: timeOut(c.createdAt),
    updatedAt: timeOut(c.updatedAt),
  };
}

function consentsFromProto(
  c: Consents__Output | null | undefined,
  field: string,
): CustomerJson['consent'] | undefined {
  if (!c) return undefined;
  return compact(
    Object.fromEntries(CHANNELS.map((ch) => [ch, consentFromProto(c[ch], `${field}.${ch}`)])),
  ) as CustomerJson['consent'];
}

function consentFromProto(c: Consent__Output | null | undefined, field: string): ConsentJson | undefined {
  if (!c?.status) return undefined;
  return compact({
    status: c.status as ConsentJson['status'],
    at: timeIn(c.at, `${field}.at`),
    source: str(c.source),
  });
}

function consentsToProto(c: NonNullable<CustomerJson['consent']>): Consents {
  return Object.fromEntries(
    CHANNELS.flatMap((ch) => {
      const value = c[ch];
      const consent: Consent | undefined = value && { ...value, at: timeOut(value.at) };
      return consent ? [[ch, consent]] : [];
    }),
  );
}

export function addressFromProto(a: Address__Output): AddressJson {
  return compact({
    id: str(a.id),
    name: str(a.name),
    main: a.main || undefined,
    text: str(a.text),
    country: str(a.country),
    region: str(a.region),
    city: str(a.city),
    street: str(a.street),
    building: str(a.building),
    flat: str(a.flat),
    postcode: str(a.postcode),
    notes: str(a.notes),
  });
}

export function addressToProto(a: AddressJson): Address {
  return { ...a };
}

export function noteFromProto(n: CustomerNote__Output, field = 'note'): CustomerNoteJson {
  return compact({
    id: str(n.id),
    customerId: str(n.customerId),
    text: n.text,
    authorId: str(n.authorId),
    source: str(n.source),
    createdAt: timeIn(n.createdAt, `${field}.createdAt`),
  });
}

export function noteToProto(n: CustomerNoteJson): CustomerNote {
  return { ...n, createdAt: timeOut(n.createdAt) };
}

export function companyFromProto(c: Company__Output, field = 'company'): CompanyJson {
  return compact({
    id: str(c.id),
    name: str(c.name),
    main: c.main,
    legalName: str(c.legalName),
    inn: str(c.inn),
    kpp: str(c.kpp),
    ogrn: str(c.ogrn),
    taxNumber: str(c.taxNumber),
    legalAddress: str(c.legalAddress),
    bank: str(c.bank),
    bik: str(c.bik),
    bankAccount: str(c.bankAccount),
    corrAccount: str(c.corrAccount),
    createdAt: timeIn(c.createdAt, `${field}.createdAt`),
  });
}

export function companyToProto(c: CompanyJson): Company {
  return { ...c, createdAt: timeOut(c.createdAt) };
}

export function contactFromProto(c: ContactPerson__Output): ContactPersonJson {
  return compact({
    customerId: str(c.customerId),
    role: str(c.role),
    main: c.main,
    companyId: str(c.companyId),
  });
}

export function contactToProto(c: ContactPersonJson): ContactPerson {
  return { ...c };
}

export function corporateCustomerFromProto(
  c: CorporateCustomer__Output,
  field = 'corporateCustomer',
): CorporateCustomerJson {
  return compact<CorporateCustomerJson>({
    id: str(c.id),
    numericId: Number(c.numericId) > 0 ? Number(c.numericId) : undefined,
    site: str(c.site),
    externalId: str(c.externalId),
    name: str(c.name),
    companies: c.companies.map((co, i) => companyFromProto(co, `${field}.companies[${i}]`)),
    contacts: c.contacts.map(contactFromProto),
    addresses: c.addresses.map(addressFromProto),
    managerId: str(c.managerId),
    vip: c.vip,
    tags: c.tags,
    customFields: customFieldsIn(c.customFields),
    mergedInto: str(c.mergedInto),
    version: Number(c.version) > 0 ? Number(c.version) : undefined,
    createdAt: timeIn(c.createdAt, `${field}.createdAt`),
    updatedAt: timeIn(c.updatedAt, `${field}.updatedAt`),
  });
}

export function corporateCustomerToProto(c: CorporateCustomerJson): CorporateCustomer {
  return {
    ...c,
    companies: c.companies?.map(companyToProto),
    contacts: c.contacts?.map(contactToProto),
    addresses: c.addresses?.map(addressToProto),
    customFields: customFieldsOut(c.customFields),
    createdAt: timeOut(c.createdAt),
    updatedAt: timeOut(c.updatedAt),
  };
}
