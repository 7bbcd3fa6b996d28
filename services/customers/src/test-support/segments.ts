import {
  OrderCreatedV1,
  OrderStatusChangedV1,
  newId,
  type EventEnvelope,
  type OrderSummary,
} from '@openretail/contracts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceOrm } from '@openretail/persistence';
import type { Clock } from '../segments/clock';

/** A clock the test moves. */
export class TestClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date) {
    this.at = new Date(at);
  }
  advance(ms: number) {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export interface TestCustomer {
  id?: string;
  site?: string;
  tags?: string[];
  vip?: boolean;
  consent?: Record<string, { status: 'granted' | 'denied'; at: string; source: string }>;
  mergedInto?: string;
}

/**
 * Customers straight into the table, for tests of metrics and segments that need many of them or
 * particular states (merged); the profile commands have tests of their own.
 */
export async function insertCustomers(orm: ServiceOrm, customers: TestCustomer[]): Promise<string[]> {
  const rows = customers.map((c) => ({
    id: c.id ?? newId(),
    site: c.site ?? 'pult',
    tags: c.tags ?? [],
    vip: c.vip ?? false,
    consent: c.consent ?? {},
    merged_into: c.mergedInto ?? null,
  }));
  await orm.em.fork().execute(
    `insert into customers (id, site, phones, phone_keys, emails, email_keys, addresses, tags, custom_fields,
       consent, vip, created_at, updated_at, version, merged_into)
     select id, site, '[]', '{}', '{}', '{}', '[]', array(select jsonb_array_elements_text(tags)), '{}',
       consent, vip, now(), now(), 1, merged_into
     from jsonb_to_recordset(?::jsonb) as x(id uuid, site text, tags jsonb, vip boolean, consent jsonb, merged_into uuid)`,
    [JSON.stringify(rows)],
  );
  return rows.map((r) => r.id);
}

export function inTransaction<T>(orm: ServiceOrm, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(fn);
}

/** The events of a type the outbox holds, oldest first. */
export async function outboxEvents<P = Record<string, unknown>>(
  orm: ServiceOrm,
  type: string,
): Promise<EventEnvelope<P>[]> {
  const rows = await orm.em
    .fork()
    .execute<{ envelope: EventEnvelope<P> }[]>(
      'select envelope from outbox_message where event_type = ? order by id',
      [type],
    );
  return rows.map((r) => r.envelope);
}

export interface TestOrder {
  orderId: string;
  customerId?: string;
  site?: string;
  version: number;
  totalMinor: number;
  paidMinor?: number;
  currency?: string;
  cancelled?: boolean;
  createdAt?: string;
  offers?: string[];
  categories?: string[];
}

export function orderSummary(o: TestOrder): OrderSummary {
  const currency = o.currency ?? 'RUB';
  return {
    orderId: o.orderId,
    site: o.site ?? 'pult',
    number: `${o.orderId.slice(-4)}A`,
    status: o.cancelled ? 'cancelled-other' : 'new',
    statusGroup: o.cancelled ? 'cancel' : 'new',
    statusGroupKind: o.cancelled ? 'cancel' : 'new',
    ...(o.customerId ? { customerId: o.customerId } : {}),
    customer: {},
    total: { amountMinor: o.totalMinor, currency },
    paid: { amountMinor: o.paidMinor ?? 0, currency },
    ...(o.offers ? { offerExternalIds: o.offers } : {}),
    ...(o.categories ? { productCategories: o.categories } : {}),
    version: o.version,
    createdAt: o.createdAt ?? '2026-03-01T10:00:00.000Z',
    updatedAt: o.createdAt ?? '2026-03-01T10:00:00.000Z',
  };
}

/** order.created for version 1, order.status-changed for later versions: what the orders service publishes. */
export function orderEvent(o: TestOrder): EventEnvelope {
  const summary = orderSummary(o);
  if (o.version === 1) {
    return OrderCreatedV1.create(
      {
        orderId: o.orderId,
        number: summary.number,
        site: summary.site,
        status: summary.status,
        customer: {},
        items: [],
        total: summary.total,
        createdAt: summary.createdAt,
        order: summary,
      },
      { source: 'orders', aggregateId: o.orderId },
    ) as EventEnvelope;
  }
  return OrderStatusChangedV1.create(
    {
      order: summary,
      actor: { source: 'api' },
      from: 'new',
      to: summary.status,
      fromGroup: 'new',
      toGroup: summary.statusGroup,
    },
    { source: 'orders', aggregateId: o.orderId },
  ) as EventEnvelope;
}
