import { OrderCreatedV1, newId, type Contact, type EventEnvelope } from '@openretail/contracts';
import { createLogger } from '@openretail/observability';
import type { ServiceOrm } from '@openretail/persistence';
import { DedupJobs } from '../dedup/dedup-jobs';
import { IdentityBackfill } from '../identity/backfill';
import { IdentityResolver } from '../identity/identity-resolution';
import { IdentityService } from '../identity/identity.service';
import { MatchSettings } from '../identity/match-settings';
import { MergeService } from '../merge/merge.service';
import { SuggestionsService } from '../merge/suggestions.service';
import { CustomersService } from '../profiles/customers.service';
import { testReferenceDataProvider } from './reference-data';

/** The identity services over a test database, wired as the Nest module wires them. */
export function identityServices(orm: ServiceOrm) {
  const ref = testReferenceDataProvider();
  const logger = createLogger({ service: 'customers-test', level: 'error' });
  const settings = new MatchSettings(orm, ref);
  const resolver = new IdentityResolver(ref, settings);
  const merges = new MergeService(orm, ref);
  const backfill = new IdentityBackfill(orm, ref, resolver, logger);
  return {
    settings,
    resolver,
    merges,
    backfill,
    suggestions: new SuggestionsService(orm, merges, ref),
    identity: new IdentityService(orm, resolver),
    customers: new CustomersService(orm, ref),
    /** A job runner as one process (replica) runs it. */
    jobs: () => new DedupJobs(orm, ref, settings, backfill, logger),
  };
}

/** An order.created event as the orders service publishes it. */
export function orderCreated(
  site: string,
  customer: Contact,
  options: { orderId?: string; customerId?: string } = {},
): EventEnvelope {
  const orderId = options.orderId ?? newId();
  const createdAt = new Date().toISOString();
  const total = { amountMinor: 1000, currency: 'RUB' };
  return OrderCreatedV1.create(
    {
      orderId,
      number: `${orderId.slice(-6)}A`,
      site,
      status: 'new',
      customer,
      items: [{ name: 'Пластинка', quantity: 1, unitPrice: total }],
      total,
      createdAt,
      ...(options.customerId
        ? {
            order: {
              orderId,
              site,
              number: `${orderId.slice(-6)}A`,
              status: 'new',
              statusGroup: 'new',
              customerId: options.customerId,
              customer,
              total,
              paid: { amountMinor: 0, currency: 'RUB' },
              version: 1,
              createdAt,
              updatedAt: createdAt,
            },
          }
        : {}),
    },
    { source: 'orders', aggregateId: orderId },
  ) as EventEnvelope;
}
