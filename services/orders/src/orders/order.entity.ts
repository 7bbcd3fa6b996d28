import {
  BigIntType,
  Collection,
  Entity,
  Index,
  ManyToOne,
  OneToMany,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { newId } from '@openretail/contracts';

@Entity({ tableName: 'orders' })
@Unique({ name: 'orders_site_number_uniq', properties: ['site', 'number'] })
@Unique({ name: 'orders_site_external_id_uniq', properties: ['site', 'externalId'] })
@Unique({ name: 'orders_site_idempotency_key_uniq', properties: ['site', 'idempotencyKey'] })
@Index({ name: 'orders_site_created_at_idx', properties: ['site', 'createdAt'] })
export class Order {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  site!: string;

  @Property({ type: 'text' })
  number!: string;

  @Property({ type: 'text', nullable: true })
  externalId?: string;

  /** The client's retry key and a fingerprint of the request it was first used with. */
  @Property({ type: 'text', nullable: true })
  idempotencyKey?: string;

  @Property({ type: 'text' })
  requestFingerprint!: string;

  @Property({ type: 'text' })
  status!: string;

  @Property({ type: 'text', nullable: true })
  customerFirstName?: string;

  @Property({ type: 'text', nullable: true })
  customerLastName?: string;

  @Property({ type: 'text', nullable: true })
  customerPhone?: string;

  @Property({ type: 'text', nullable: true })
  customerEmail?: string;

  @Property({ type: 'text' })
  currency!: string;

  @Property({ type: new BigIntType('number') })
  totalMinor!: number;

  @OneToMany(() => OrderItem, (item) => item.order, { orderBy: { position: 'asc' } })
  items = new Collection<OrderItem>(this);

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  statusUpdatedAt: Date = new Date();
}

@Entity({ tableName: 'order_items' })
@Index({ name: 'order_items_order_id_idx', properties: ['order'] })
export class OrderItem {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order!: Order;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'text', nullable: true })
  offerExternalId?: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'integer' })
  quantity!: number;

  @Property({ type: new BigIntType('number') })
  unitPriceMinor!: number;
}
