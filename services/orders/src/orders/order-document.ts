import type { OrderJson } from '@openretail/contracts';
import type { OrderState } from './order-state';

/**
 * OrderState as stored in the `document` column and back. JSON has no dates, so the few Date
 * members travel as ISO strings; everything else is stored as it is.
 */
export type OrderDocument = Omit<OrderState, 'statusUpdatedAt' | 'createdAt' | 'updatedAt' | 'payments'> & {
  statusUpdatedAt: string;
  createdAt: string;
  updatedAt: string;
  payments: (Omit<OrderState['payments'][number], 'paidAt'> & { paidAt?: string })[];
};

export function toDocument(order: OrderState): OrderDocument {
  return {
    ...order,
    statusUpdatedAt: order.statusUpdatedAt.toISOString(),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    payments: order.payments.map((p) => ({ ...p, paidAt: p.paidAt?.toISOString() })),
  };
}

export function fromDocument(doc: OrderDocument): OrderState {
  return {
    ...doc,
    statusUpdatedAt: new Date(doc.statusUpdatedAt),
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    payments: doc.payments.map(({ paidAt, ...p }) => ({
      ...p,
      ...(paidAt ? { paidAt: new Date(paidAt) } : {}),
    })),
  };
}

/** The writable fields of an order in the public JSON shape: the base an edit's mask applies to. */
export function toInputJson(order: OrderState): OrderJson {
  // A deep copy: an edit sets paths in it, and the order it came from must stay as it was.
  const doc = structuredClone(toDocument(order));
  return {
    site: doc.site,
    externalId: doc.externalId,
    orderType: doc.orderType,
    orderMethod: doc.orderMethod,
    currency: doc.currency,
    customer: doc.customer,
    contragent: doc.contragent,
    items: doc.items,
    discount: doc.discount,
    delivery: doc.delivery,
    payments: doc.payments,
    managerId: doc.managerId,
    customerComment: doc.customerComment,
    managerComment: doc.managerComment,
    tags: doc.tags,
    customFields: doc.customFields,
  };
}
