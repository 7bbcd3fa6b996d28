import type { Contact, Money } from '@openretail/contracts';
import type { Order } from './order.entity';

/** An order as the service hands it out: plain data, no ORM entity graph on the hot path. */
export interface OrderView {
  id: string;
  number: string;
  site: string;
  externalId?: string;
  status: string;
  customer: Contact;
  items: { offerExternalId?: string; name: string; quantity: number; unitPrice: Money }[];
  total: Money;
  createdAt: Date;
}

export function toOrderView(order: Order): OrderView {
  return {
    id: order.id,
    number: order.number,
    site: order.site,
    externalId: order.externalId,
    status: order.status,
    customer: {
      firstName: order.customerFirstName,
      lastName: order.customerLastName,
      phone: order.customerPhone,
      email: order.customerEmail,
    },
    items: order.items.getItems().map((i) => ({
      offerExternalId: i.offerExternalId,
      name: i.name,
      quantity: i.quantity,
      unitPrice: { amountMinor: i.unitPriceMinor, currency: order.currency },
    })),
    total: { amountMinor: order.totalMinor, currency: order.currency },
    createdAt: order.createdAt,
  };
}
