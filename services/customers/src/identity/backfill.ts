import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LockMode, MikroORM } from '@mikro-orm/postgresql';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { CustomerContact } from '../contacts/customer-contact.entity';
import { stateOf } from '../profiles/customer-rows';
import { Customer } from '../profiles/customer.entity';
import { REFERENCE_DATA, type ReferenceDataProvider } from '../reference-data/customer-reference-data';
import { IdentityResolver } from './identity-resolution';
import { indexProfile } from './match-index';

const BATCH = 200;

/**
 * Brings what existed before identity resolution into it, in the background after start, in
 * small transactions, on every replica at once without doing anything twice:
 *
 * - profiles without match keys (created before the keys were kept) are indexed;
 * - contacts recorded from orders before profiles existed (customer_contacts) are resolved like an
 *   incoming order: each order gets its profile and its customer.order-linked, and the contact row
 *   goes. Once the table is empty on every installation, a later migration drops it.
 */
@Injectable()
export class IdentityBackfill implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stop = new AbortController();
  private running?: Promise<void>;
  /** How long to wait before trying again when a pass fails (the reference data not saved yet, say). */
  retryMs = 30_000;

  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
    private readonly resolver: IdentityResolver,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.untilDone();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  private async untilDone(): Promise<void> {
    while (!this.stop.signal.aborted) {
      try {
        await this.runAll();
        return;
      } catch (err) {
        this.logger.warn({ err }, `identity backfill failed; trying again in ${this.retryMs} ms`);
        await sleep(this.retryMs, undefined, { signal: this.stop.signal }).catch(() => undefined);
      }
    }
  }

  async runAll(): Promise<{ indexed: number; contacts: number }> {
    let indexed = 0;
    let contacts = 0;
    const stopped = () => this.stop.signal.aborted;
    for (let n = -1; n !== 0 && !stopped(); indexed += n) n = await this.indexMissing();
    for (let n = -1; n !== 0 && !stopped(); contacts += n) n = await this.resolveLegacyContacts();
    if (indexed || contacts) this.logger.info({ indexed, contacts }, 'identity backfill done');
    return { indexed, contacts };
  }

  /** Indexes up to a batch of live profiles that have no match record, optionally of one site; answers how many. */
  async indexMissing(site?: string): Promise<number> {
    return this.orm.em.fork().transactional(async (em) => {
      const ids = await em.execute<{ id: string }[]>(
        `select c.id from customers c
         where c.merged_into is null ${site ? 'and c.site = ?' : ''}
           and not exists (select 1 from customer_match_records r where r.customer_id = c.id)
         order by c.id limit ? for update of c skip locked`,
        site ? [site, BATCH] : [BATCH],
      );
      if (ids.length === 0) return 0;
      const ref = await this.referenceData.get();
      const rows = await em.find(
        Customer,
        { id: { $in: ids.map((r) => r.id) } },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      for (const row of rows) await indexProfile(em, stateOf(row), ref);
      return rows.length;
    });
  }

  /** Resolves up to a batch of legacy order contacts; answers how many. */
  async resolveLegacyContacts(): Promise<number> {
    const ref = await this.referenceData.get();
    return this.orm.em.fork().transactional(async (em) => {
      const contacts = await em.find(
        CustomerContact,
        {},
        {
          orderBy: { orderedAt: 'asc', id: 'asc' },
          limit: BATCH,
          lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE,
        },
      );
      const known = contacts.filter((c) => {
        if (ref.phoneRegion(c.site)) return true;
        this.logger.warn(
          { orderId: c.sourceOrderId, site: c.site },
          'legacy contact of an unknown site dropped',
        );
        return false;
      });
      await this.resolver.linkOrders(
        em,
        known.map((c) => ({
          orderId: c.sourceOrderId,
          site: c.site,
          contact: {
            site: c.site,
            firstName: c.firstName,
            lastName: c.lastName,
            phones: c.phone ? [c.phone] : [],
            emails: c.email ? [c.email] : [],
          },
        })),
      );
      em.remove(contacts);
      return contacts.length;
    });
  }
}
