import { Injectable } from '@nestjs/common';
import {
  moneyFromProto,
  moneyToProto,
  timestampFromDate,
  type ServiceImplementation,
  ordersV1,
} from '@openretail/grpc';
import { ValidationError } from '@openretail/contracts';
import { OrdersService } from './orders.service';
import type { OrderView } from './order-view';

const empty = (s: string | null | undefined) => (s ? s : undefined);

function toProto(order: OrderView): ordersV1.Order {
  return {
    id: order.id,
    number: order.number,
    site: order.site,
    externalId: order.externalId,
    status: order.status,
    customer: {
      firstName: order.customer.firstName ?? '',
      lastName: order.customer.lastName ?? '',
      phone: order.customer.phone ?? '',
      email: order.customer.email ?? '',
    },
    items: order.items.map((i) => ({
      offerExternalId: i.offerExternalId,
      name: i.name,
      quantity: i.quantity,
      unitPrice: moneyToProto(i.unitPrice),
    })),
    total: moneyToProto(order.total),
    createdAt: timestampFromDate(order.createdAt),
  };
}

/** The OrdersService gRPC contract, translated to and from the application service. */
@Injectable()
export class OrdersGrpcHandler {
  constructor(private readonly orders: OrdersService) {}

  implementation(): ServiceImplementation<ordersV1.OrdersServiceDefinition> {
    return {
      CreateOrder: async (req) =>
        toProto(
          await this.orders.create({
            site: req.site,
            externalId: empty(req.externalId),
            idempotencyKey: empty(req.idempotencyKey),
            currency: req.currency,
            customer: {
              firstName: empty(req.customer?.firstName),
              lastName: empty(req.customer?.lastName),
              phone: empty(req.customer?.phone),
              email: empty(req.customer?.email),
            },
            items: req.items.map((item, i) => ({
              offerExternalId: empty(item.offerExternalId),
              name: item.name,
              quantity: item.quantity,
              unitPrice: item.unitPrice
                ? moneyFromProto(item.unitPrice, `items[${i}].unitPrice`)
                : (() => {
                    throw ValidationError.field(`items[${i}].unitPrice`, 'is required');
                  })(),
            })),
          }),
        ),
      GetOrder: async (req) => {
        if (req.key === 'id' && req.id) return toProto(await this.orders.get({ id: req.id }));
        if (req.key === 'external' && req.external?.site && req.external.externalId) {
          return toProto(
            await this.orders.get({ site: req.external.site, externalId: req.external.externalId }),
          );
        }
        throw ValidationError.field('key', 'give either id or site and externalId');
      },
    };
  }
}
