import type { Money } from '../money';

/** A custom field's value in JSON; null clears it. */
export type CustomFieldValue = string | number | boolean | null;

/**
 * An order in the public JSON of the gateway and as the mappings to and from gRPC see it: money in
 * minor units, times as ISO 8601 UTC strings. Requests carry the writable fields (see
 * orderInputSchema); responses carry all of them.
 */
export interface OrderJson {
  id?: string;
  /** Output only: unique in the installation, increasing with creation (the {n} of the number). */
  numericId?: number;
  site?: string;
  number?: string;
  externalId?: string;
  orderType?: string;
  orderMethod?: string;
  status?: string;
  statusGroup?: string;
  statusUpdatedAt?: string;
  cancelReason?: string;
  /** Output only: the order this one was combined into (see the combine command); it changes no more. */
  combinedInto?: string;
  currency?: string;
  customer?: {
    customerId?: string;
    firstName?: string;
    lastName?: string;
    phones?: string[];
    email?: string;
  };
  contragent?: ContragentJson;
  items?: OrderItemJson[];
  discount?: Money;
  delivery?: {
    type?: string;
    carrier?: string;
    address?: string;
    cost?: Money;
    netCost?: Money;
    date?: string;
    timeFrom?: string;
    timeTo?: string;
    pickupPoint?: string;
  };
  payments?: PaymentJson[];
  managerId?: string;
  customerComment?: string;
  managerComment?: string;
  tags?: string[];
  customFields?: Record<string, CustomFieldValue>;
  totals?: { items: Money; total: Money; paid: Money; due: Money };
  version?: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface OrderItemJson {
  id?: string;
  offerExternalId?: string;
  /** The product's category codes, each once, in the order given; absent when none. */
  categories?: string[];
  name?: string;
  quantity?: number;
  unitPrice?: Money;
  discount?: Money;
  status?: string;
  total?: Money;
}

export interface PaymentJson {
  id?: string;
  /** Output only: unique in the installation, for integrations whose payment ids are numbers. */
  numericId?: number;
  /** The payment's id in the system that sent it, unique in its order. */
  externalId?: string;
  type?: string;
  status?: string;
  amount?: Money;
  paidAt?: string;
}

/** The buyer as a party to the contract: a person, or a legal entity with its requisites. */
export interface ContragentJson {
  type?: string;
  legalName?: string;
  inn?: string;
  kpp?: string;
  ogrn?: string;
  legalAddress?: string;
  bank?: string;
  bik?: string;
  bankAccount?: string;
  corrAccount?: string;
}
