// An in-memory OrdersService for the lib's own tests: real validation and errors, no database.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { NotFoundError, UnavailableError, ValidationError } from '@openretail/contracts';
import { moneyFromProto, moneyToProto, timestampFromDate } from './money';
import * as ordersV1 from './orders-v1';
import type { CallContext, ServiceImplementation } from './server';

const createOrderSchema = z.object({
  site: z.string().min(1, 'is required'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  customer: z.object({
    firstName: z.string().min(1, 'is required'),
    email: z.union([z.literal(''), z.email('must be an email address')]),
  }),
  items: z
    .array(
      z.object({
        name: z.string().min(1, 'is required'),
        quantity: z.number().int().min(1, 'must be at least 1'),
      }),
    )
    .min(1, 'must have at least one item'),
});

export interface FixtureState {
  calls: Record<string, number>;
  /** Fail this many calls with UNAVAILABLE before answering. */
  unavailableTimes: number;
  /** Delay every call by this many ms (honouring cancellation). */
  delayMs: number;
  lastSignal?: AbortSignal;
  lastContext?: CallContext;
}

export function ordersFixture(): {
  state: FixtureState;
  implementation: ServiceImplementation<ordersV1.OrdersServiceDefinition>;
} {
  const orders = new Map<string, ordersV1.Order>();
  const state: FixtureState = { calls: {}, unavailableTimes: 0, delayMs: 0 };

  async function common(method: string, ctx: CallContext) {
    state.calls[method] = (state.calls[method] ?? 0) + 1;
    state.lastSignal = ctx.signal;
    state.lastContext = ctx;
    if (state.delayMs > 0) await delay(state.delayMs, undefined, { signal: ctx.signal });
    if (state.unavailableTimes > 0) {
      state.unavailableTimes--;
      throw new UnavailableError('database connection lost');
    }
  }

  return {
    state,
    implementation: {
      async CreateOrder(request, ctx) {
        await common('CreateOrder', ctx);
        const parsed = createOrderSchema.safeParse(request);
        if (!parsed.success) throw ValidationError.fromZod(parsed.error);
        const items = request.items.map((item, i) => ({
          offerExternalId: item.offerExternalId,
          name: item.name,
          quantity: item.quantity,
          unitPrice: moneyToProto(moneyFromProto(item.unitPrice, `items[${i}].unitPrice`)),
        }));
        const total = items.reduce(
          (sum, item) => sum + item.quantity * Number(item.unitPrice.amountMinor),
          0,
        );
        const order: ordersV1.Order = {
          id: randomUUID(),
          number: String(orders.size + 1),
          site: request.site,
          externalId: request.externalId,
          status: 'new',
          customer: request.customer,
          items,
          total: moneyToProto({ amountMinor: total, currency: request.currency }, 'total'),
          createdAt: timestampFromDate(new Date('2025-01-02T03:04:05.678Z')),
        };
        orders.set(order.id!, order);
        return order;
      },
      async GetOrder(request, ctx) {
        await common('GetOrder', ctx);
        const found =
          request.key === 'id'
            ? orders.get(request.id!)
            : [...orders.values()].find(
                (o) => o.site === request.external?.site && o.externalId === request.external?.externalId,
              );
        if (!found) throw new NotFoundError(`order ${request.id ?? request.external?.externalId} not found`);
        return found;
      },
    },
  };
}
