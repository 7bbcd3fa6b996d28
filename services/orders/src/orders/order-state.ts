import type { ContragentJson, Money } from '@openretail/contracts';

/**
 * An order as the domain rules see it: plain data, independent of how it is stored. Rules
 * (status matrix, validations, totals, overdue detection, history) take and return these.
 */
export interface OrderState {
  id: string;
  /** Unique in the installation, increasing with creation: the {n} of the number. */
  numericId?: number;
  site: string;
  number: string;
  externalId?: string;
  orderType?: string;
  orderMethod?: string;
  status: string;
  statusUpdatedAt: Date;
  cancelReason?: string;
  /** The order this one was combined into: it is cancelled, and refuses every further command. */
  combinedInto?: string;
  currency: string;
  customer: { customerId?: string; firstName?: string; lastName?: string; phones: string[]; email?: string };
  contragent: Omit<ContragentJson, 'type'> & { type: 'individual' | 'legal-entity' };
  items: OrderItemState[];
  /** Discount on the whole order, in minor units, on top of item discounts. */
  discount: Money;
  delivery?: {
    type?: string;
    carrier?: string;
    address?: string;
    cost: Money;
    netCost: Money;
    date?: string;
    timeFrom?: string;
    timeTo?: string;
    pickupPoint?: string;
  };
  payments: PaymentState[];
  managerId?: string;
  customerComment?: string;
  managerComment?: string;
  tags: string[];
  customFields: Record<string, string | number | boolean | null>;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderItemState {
  id: string;
  offerExternalId?: string;
  /** The product's category codes, each once; absent when none were given. */
  categories?: string[];
  name: string;
  quantity: number;
  unitPrice: Money;
  /** Per-item discount, for the whole line, in minor units. */
  discount: Money;
  status?: string;
}

export interface PaymentState {
  id: string;
  /** Unique in the installation, given when the payment is made (absent in a dry run). */
  numericId?: number;
  /** The payment's id in the system that sent it, unique in its order. */
  externalId?: string;
  type: string;
  status: string;
  amount: Money;
  paidAt?: Date;
}

/** Who acts, in which groups, from where: rules and the status matrix depend on all three. */
export interface Actor {
  userId?: string;
  groups: string[];
  /** Callers name one of ORDER_HISTORY_SOURCES; 'system' is the platform itself (customer links). */
  source: 'api' | 'manager' | 'trigger' | 'import' | 'integration' | 'system';
}
