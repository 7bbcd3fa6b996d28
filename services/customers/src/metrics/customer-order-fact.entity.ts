import { BigIntType, Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One order of a customer as its events describe it: the projection the customer metrics and the
 * "bought" segment conditions are computed from. Written only by the consumer of order events and
 * of customer.order-linked, idempotently: an event older than `order_version` changes nothing.
 *
 * A row with `order_version` 0 is an order known only from a link (its events have not arrived
 * yet); it counts nowhere until they do. `customer_id` is the customer the order (or the link)
 * names; the orders of profiles merged into a survivor count for the survivor.
 */
@Entity({ tableName: 'customer_order_facts' })
@Index({ name: 'customer_order_facts_customer_id_idx', properties: ['customerId'] })
// "Bought product" segments find the buyers of some offers among all orders.
@Index({
  name: 'customer_order_facts_offers_idx',
  expression:
    'create index "customer_order_facts_offers_idx" on "customer_order_facts" using gin ("offer_external_ids")',
})
// "Bought category" segments, likewise among the categories.
@Index({
  name: 'customer_order_facts_categories_idx',
  expression:
    'create index "customer_order_facts_categories_idx" on "customer_order_facts" using gin ("product_categories")',
})
export class CustomerOrderFact {
  @PrimaryKey({ type: 'uuid' })
  orderId!: string;

  @Property({ type: 'uuid', nullable: true })
  customerId?: string;

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: new BigIntType('number') })
  orderVersion!: number;

  @Property({ type: 'text', nullable: true })
  currency?: string;

  @Property({ type: new BigIntType('number') })
  totalMinor!: number;

  @Property({ type: new BigIntType('number') })
  paidMinor!: number;

  @Property({ type: 'text', nullable: true })
  statusGroup?: string;

  @Property({ type: 'boolean' })
  cancelled!: boolean;

  /** When the order was created. */
  @Property({ type: 'timestamptz', nullable: true })
  orderedAt?: Date;

  /** The offers of its lines (offerExternalId). */
  @Property({ type: 'text[]' })
  offerExternalIds!: string[];

  /** The categories of its lines, each once. */
  @Property({ type: 'text[]', defaultRaw: `'{}'` })
  productCategories!: string[];

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;
}
