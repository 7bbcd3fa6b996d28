import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventEnvelope, OrderCreatedPayload } from '@openretail/contracts';
import { CustomerContact } from './customer-contact.entity';

/** Handles order.created: keeps the contact the order carried, once per order. */
export async function recordOrderContact(event: EventEnvelope, em: EntityManager): Promise<void> {
  const order = event.payload as OrderCreatedPayload;
  em.persist(
    em.create(CustomerContact, {
      site: order.site,
      sourceOrderId: order.orderId,
      firstName: order.customer.firstName,
      lastName: order.customer.lastName,
      phone: order.customer.phone,
      email: order.customer.email?.toLowerCase(),
      orderedAt: new Date(order.createdAt),
      recordedAt: new Date(),
    }),
  );
}
