import type { Money } from '../money';
import type { CustomFieldValue } from '../orders/order-json';

/**
 * Customers in the public JSON of the gateway and as the mappings to and from gRPC see them: money
 * in minor units, times as ISO 8601 UTC strings, dates as YYYY-MM-DD. Requests carry the writable
 * fields (see customer-input.ts); responses carry all of them.
 */

export interface PhoneJson {
  number?: string;
  /** Output only: the number in E.164 for the site's phone region, when it parses. */
  e164?: string;
}

export interface AddressJson {
  id?: string;
  name?: string;
  main?: boolean;
  text?: string;
  country?: string;
  region?: string;
  city?: string;
  street?: string;
  building?: string;
  flat?: string;
  postcode?: string;
  notes?: string;
}

export const CONSENT_CHANNELS = ['email', 'sms', 'messengers'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface ConsentJson {
  status?: 'granted' | 'denied';
  at?: string;
  /** Output only. */
  source?: string;
}

export interface CustomerMetricsJson {
  ordersCount: number;
  totalSpent?: Money;
  averageCheck?: Money;
  paidTotal?: Money;
  cancellations: number;
  firstOrderAt?: string;
  lastOrderAt?: string;
}

export interface CustomerJson {
  id?: string;
  /** Output only: the customer's number in the installation (one numbering with corporate customers). */
  numericId?: number;
  site?: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  phones?: PhoneJson[];
  emails?: string[];
  addresses?: AddressJson[];
  birthday?: string;
  sex?: string;
  tags?: string[];
  customFields?: Record<string, CustomFieldValue>;
  consent?: Partial<Record<ConsentChannel, ConsentJson>>;
  managerId?: string;
  vip?: boolean;
  metrics?: CustomerMetricsJson;
  mergedInto?: string;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface CustomerNoteJson {
  id?: string;
  customerId?: string;
  text?: string;
  authorId?: string;
  source?: string;
  createdAt?: string;
}

export interface CompanyJson {
  id?: string;
  name?: string;
  main?: boolean;
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
  createdAt?: string;
}

export interface ContactPersonJson {
  customerId?: string;
  role?: string;
  main?: boolean;
  companyId?: string;
}

export interface CorporateCustomerJson {
  id?: string;
  /** Output only: see CustomerJson.numericId. */
  numericId?: number;
  site?: string;
  externalId?: string;
  name?: string;
  companies?: CompanyJson[];
  contacts?: ContactPersonJson[];
  addresses?: AddressJson[];
  managerId?: string;
  vip?: boolean;
  tags?: string[];
  customFields?: Record<string, CustomFieldValue>;
  mergedInto?: string;
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}
