import type { Money } from '@openretail/contracts';
import type { StoredAddress, StoredConsents, StoredPhone } from './customer.entity';

/**
 * An individual customer as the domain rules see it: plain data, independent of how it is stored.
 * Metrics and the merge pointer are not part of it: commands on the profile never change them.
 */
export interface CustomerState {
  id: string;
  site: string;
  externalId?: string;
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  phones: StoredPhone[];
  emails: string[];
  addresses: StoredAddress[];
  birthday?: string;
  sex?: 'male' | 'female';
  tags: string[];
  customFields: Record<string, string | number | boolean>;
  consent: StoredConsents;
  managerId?: string;
  vip: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface CustomerMetrics {
  ordersCount: number;
  totalSpent?: Money;
  averageCheck?: Money;
  paidTotal?: Money;
  cancellations: number;
  firstOrderAt?: Date;
  lastOrderAt?: Date;
}

/** A customer as the service hands it out: plain data, never an entity. */
export interface CustomerView {
  customer: CustomerState;
  /** The customer's number in the installation. */
  numericId: number;
  metrics: CustomerMetrics;
  mergedInto?: string;
  version: number;
}

/** How history compares two states (see history.ts). */
export const CUSTOMER_DIFF = {
  keyed: { addresses: 'id' },
  sets: ['tags'],
  maps: ['customFields', 'consent'],
  ignore: ['updatedAt'],
} as const;

/** The search form of a name: lowercased, ё as е, spaces collapsed. */
export function searchKey(...parts: (string | undefined)[]): string | undefined {
  const key = parts.filter(Boolean).join(' ').toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
  return key === '' ? undefined : key;
}

/** The normalised email of the search and matching keys. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
