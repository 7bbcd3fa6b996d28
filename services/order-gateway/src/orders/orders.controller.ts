import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { moneyFromProto, dateFromTimestamp, type ordersV1 } from '@openretail/grpc';
import { ValidationError } from '@openretail/contracts';
import { createOrderBody, idempotencyKeyHeader } from './order-request.schema';
import { ORDERS_CLIENT, type OrdersClient } from './orders-client';

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw ValidationError.fromZod(result.error);
}

/** The JSON shape of an order in the public API: money as minor units, times as ISO 8601 UTC. */
function toJson(order: ordersV1.Order__Output) {
  return {
    id: order.id,
    number: order.number,
    site: order.site,
    externalId: order.externalId ?? undefined,
    status: order.status,
    // proto3 strings default to ''; the public API leaves unknown fields out instead.
    customer: Object.fromEntries(Object.entries(order.customer ?? {}).filter(([, v]) => v !== '')),
    items: order.items.map((i) => ({
      offerExternalId: i.offerExternalId ?? undefined,
      name: i.name,
      quantity: i.quantity,
      unitPrice: moneyFromProto(i.unitPrice),
    })),
    total: moneyFromProto(order.total),
    createdAt: dateFromTimestamp(order.createdAt).toISOString(),
  };
}

@Controller('v1/orders')
export class OrdersController {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: OrdersClient) {}

  /**
   * Creates an order. With an Idempotency-Key header a retry returns the order created first;
   * without one the gateway still makes its own gRPC retries safe with a key of its own.
   */
  @Post()
  @HttpCode(201)
  async create(@Body() raw: unknown, @Headers('idempotency-key') keyHeader?: string) {
    const body = parse(createOrderBody, raw);
    const key = idempotencyKeyHeader.safeParse(keyHeader);
    if (!key.success) throw ValidationError.field('Idempotency-Key', key.error.issues[0].message);
    const idempotencyKey = key.data ?? `gw-${randomUUID()}`;
    const order = await this.orders.call('CreateOrder', {
      site: body.site,
      externalId: body.externalId,
      idempotencyKey,
      currency: body.currency,
      customer: body.customer ?? {},
      items: body.items.map((i) => ({
        offerExternalId: i.offerExternalId,
        name: i.name,
        quantity: i.quantity,
        unitPrice: { amountMinor: String(i.unitPrice.amountMinor), currency: i.unitPrice.currency },
      })),
    });
    return toJson(order);
  }

  @Get(':id')
  async get(@Param('id') id: string) {
    return toJson(await this.orders.call('GetOrder', { id }));
  }

  @Get('by-external-id/:site/:externalId')
  async getByExternalId(@Param('site') site: string, @Param('externalId') externalId: string) {
    return toJson(await this.orders.call('GetOrder', { external: { site, externalId } }));
  }
}
