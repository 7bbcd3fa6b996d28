import type { StoredAddress } from '../profiles/customer.entity';

/** A company (legal entity) of a corporate customer. */
export interface CompanyState {
  id: string;
  name: string;
  main: boolean;
  legalName?: string;
  inn?: string;
  kpp?: string;
  ogrn?: string;
  taxNumber?: string;
  legalAddress?: string;
  bank?: string;
  bik?: string;
  bankAccount?: string;
  corrAccount?: string;
  createdAt: Date;
}

/** An individual customer acting for the corporate customer. */
export interface ContactState {
  customerId: string;
  role?: string;
  main: boolean;
  companyId?: string;
  createdAt: Date;
}

/** A corporate customer as the domain rules see it: plain data, independent of how it is stored. */
export interface CorporateState {
  id: string;
  site: string;
  externalId?: string;
  name: string;
  companies: CompanyState[];
  contacts: ContactState[];
  addresses: StoredAddress[];
  managerId?: string;
  vip: boolean;
  tags: string[];
  customFields: Record<string, string | number | boolean>;
  createdAt: Date;
  updatedAt: Date;
}

export interface CorporateView {
  corporate: CorporateState;
  /** The corporate customer's number in the installation (one numbering with individual customers). */
  numericId: number;
  mergedInto?: string;
  version: number;
}

/** How history compares two states (see history.ts): companies by id, contacts by person, addresses by id. */
export const CORPORATE_DIFF = {
  keyed: { companies: 'id', contacts: 'customerId', addresses: 'id' },
  sets: ['tags'],
  maps: ['customFields'],
  ignore: ['updatedAt'],
} as const;
