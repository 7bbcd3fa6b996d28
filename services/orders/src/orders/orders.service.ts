import { Injectable } from '@nestjs/common';
import { MikroORM, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { OrderCreatedV1 } from '@openretail/contracts';
import { ConflictError, NotFoundError, ValidationError } from '@openretail/contracts';
import { recordEvent } from '@openretail/messaging';
import { ReferenceDataService } from '../reference-data/reference-data.service';
import { formatOrderNumber, prepareNewOrder, type CreateOrderCommand, type NewOrder } from './new-order';
import { Order, OrderItem } from './order.entity';
import { toOrderView, type OrderView } from './order-view';

export type OrderKey = { id: string } | { site: string; externalId: string };

@Injectable()
export class OrdersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly referenceData: ReferenceDataService,
  ) {}

  /**
   * Creates an order and its order.created event in one transaction. A retry with the same
   * idempotency key or externalId and the same content returns the order created first; the same
   * key with different content is a conflict. Concurrent duplicates meet at the unique indexes.
   */
  async create(command: CreateOrderCommand): Promise<OrderView> {
    const draft = prepareNewOrder(command, await this.referenceData.get());
    try {
      return await this.orm.em.fork().transactional((em) => this.createIn(em, draft));
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException)) throw e;
      const existing = await this.findDuplicate(this.orm.em.fork(), draft);
      if (!existing) throw e;
      return existing;
    }
  }

  async get(key: OrderKey): Promise<OrderView> {
    const em = this.orm.em.fork();
    const where = 'id' in key ? { id: key.id } : { site: key.site, externalId: key.externalId };
    if ('id' in key && !/^[0-9a-f-]{36}$/i.test(key.id)) throw ValidationError.field('id', 'must be a UUID');
    const order = await em.findOne(Order, where, { populate: ['items'] });
    if (!order)
      throw new NotFoundError(`order ${'id' in key ? key.id : `${key.site}/${key.externalId}`} not found`);
    return toOrderView(order);
  }

  private async createIn(em: EntityManager, draft: NewOrder): Promise<OrderView> {
    const existing = await this.findDuplicate(em, draft);
    if (existing) return existing;

    const [{ nextval }] = await em.execute<{ nextval: string }[]>(`select nextval('order_number_seq')`);
    const now = new Date();
    const order = em.create(Order, {
      site: draft.site,
      number: formatOrderNumber(draft.numberFormat, nextval),
      externalId: draft.externalId,
      idempotencyKey: draft.idempotencyKey,
      requestFingerprint: draft.fingerprint,
      status: draft.status,
      customerFirstName: draft.customer.firstName,
      customerLastName: draft.customer.lastName,
      customerPhone: draft.customer.phone,
      customerEmail: draft.customer.email,
      currency: draft.currency,
      totalMinor: draft.total.amountMinor,
      createdAt: now,
      updatedAt: now,
      statusUpdatedAt: now,
    });
    draft.items.forEach((item, position) =>
      order.items.add(
        em.create(OrderItem, {
          order,
          position,
          offerExternalId: item.offerExternalId,
          name: item.name,
          quantity: item.quantity,
          unitPriceMinor: item.unitPrice.amountMinor,
        }),
      ),
    );
    const view = toOrderView(order);
    await recordEvent(
      em,
      OrderCreatedV1,
      OrderCreatedV1.create(
        {
          orderId: view.id,
          number: view.number,
          site: view.site,
          externalId: view.externalId,
          status: view.status,
          customer: view.customer,
          items: view.items,
          total: view.total,
          createdAt: view.createdAt.toISOString(),
        },
        { source: 'orders', aggregateId: view.id, occurredAt: now },
      ),
    );
    return view;
  }

  /**
   * The order an earlier attempt of this request created, if any (one query for both keys, on
   * the hot path of every create); a conflict if either key was used for different content.
   */
  private async findDuplicate(em: EntityManager, draft: NewOrder): Promise<OrderView | undefined> {
    const keys = [
      ...(draft.idempotencyKey ? [{ idempotencyKey: draft.idempotencyKey }] : []),
      ...(draft.externalId ? [{ externalId: draft.externalId }] : []),
    ];
    if (keys.length === 0) return undefined;
    const found = await em.find(Order, { site: draft.site, $or: keys }, { populate: ['items'] });
    for (const order of found) {
      if (order.requestFingerprint === draft.fingerprint) continue;
      throw new ConflictError(
        draft.idempotencyKey && order.idempotencyKey === draft.idempotencyKey
          ? `idempotency key ${draft.idempotencyKey} was already used for a different request`
          : `an order with externalId ${draft.externalId} already exists on site ${draft.site}`,
      );
    }
    return found.length > 0 ? toOrderView(found[0]) : undefined;
  }
}
