// An in-memory TestService for the lib's own tests: real validation and errors, no database.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { NotFoundError, UnavailableError, ValidationError } from '@openretail/contracts';
import { moneyFromProto, moneyToProto, timestampFromDate } from './money';
import type { CallContext, ServiceImplementation } from './server';
import type * as testingV1 from './testing-v1';

const createWidgetSchema = z.object({
  source: z.string().min(1, 'is required'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  owner: z.object({
    name: z.string().min(1, 'is required'),
    email: z.union([z.literal(''), z.email('must be an email address')]),
  }),
  parts: z
    .array(
      z.object({
        name: z.string().min(1, 'is required'),
        quantity: z.number().int().min(1, 'must be at least 1'),
      }),
    )
    .min(1, 'must have at least one part'),
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

export function testServiceFixture(): {
  state: FixtureState;
  implementation: ServiceImplementation<testingV1.TestServiceDefinition>;
} {
  const widgets = new Map<string, testingV1.Widget>();
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
      async CreateWidget(request, ctx) {
        await common('CreateWidget', ctx);
        const parsed = createWidgetSchema.safeParse(request);
        if (!parsed.success) throw ValidationError.fromZod(parsed.error);
        const parts = request.parts.map((part, i) => ({
          sku: part.sku,
          name: part.name,
          quantity: part.quantity,
          unitPrice: moneyToProto(moneyFromProto(part.unitPrice, `parts[${i}].unitPrice`)),
        }));
        const total = parts.reduce(
          (sum, part) => sum + part.quantity * Number(part.unitPrice.amountMinor),
          0,
        );
        const widget: testingV1.Widget = {
          id: randomUUID(),
          source: request.source,
          externalId: request.externalId,
          status: 'new',
          owner: request.owner,
          parts,
          total: moneyToProto({ amountMinor: total, currency: request.currency }, 'total'),
          createdAt: timestampFromDate(new Date('2025-01-02T03:04:05.678Z')),
        };
        widgets.set(widget.id!, widget);
        return widget;
      },
      async GetWidget(request, ctx) {
        await common('GetWidget', ctx);
        const found =
          request.key === 'id'
            ? widgets.get(request.id!)
            : [...widgets.values()].find(
                (w) => w.source === request.external?.source && w.externalId === request.external?.externalId,
              );
        if (!found) throw new NotFoundError(`widget ${request.id ?? request.external?.externalId} not found`);
        return found;
      },
    },
  };
}
