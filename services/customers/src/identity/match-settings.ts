import { Inject, Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, PermissionDeniedError } from '@openretail/contracts';
import {
  compileModel,
  resolveMatchConfig,
  termFrequencies,
  type MatchConfig,
  type MatchConfigOverride,
  type MatchModel,
  type TermFrequencies,
  type TermFrequencyTable,
} from '../matching';
import {
  REFERENCE_DATA,
  siteRegion,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import { canAccessSite, type Caller } from '../shared/caller';
import { CustomerMatchSettings } from './match-settings.entity';

/** A site's model, ready for scoring. */
export interface SiteModel {
  model: MatchModel;
  tf?: TermFrequencies;
}

export interface MatchSettingsView {
  site: string;
  /** What the site changed of the defaults, as stored. */
  override: MatchConfigOverride;
  /** The configuration in force: the defaults with the override merged over them. */
  effective: MatchConfig;
  version: number;
  updatedAt?: Date;
  updatedBy?: string;
  termFrequenciesAt?: Date;
}

/**
 * The per-site configuration of identity resolution. Models are compiled once and kept for
 * `ttlMs`: a change saved on another replica is in force here within that time, on this one at once.
 */
@Injectable()
export class MatchSettings {
  private readonly cache = new Map<string, { at: number; value: Promise<SiteModel> }>();
  ttlMs = 5_000;

  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  async model(site: string): Promise<SiteModel> {
    const hit = this.cache.get(site);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = this.orm.em
      .fork()
      .findOne(CustomerMatchSettings, { site })
      .then((row) => ({
        // Stored overrides were validated when saved.
        model: compileModel(resolveMatchConfig(row?.override ?? {})),
        ...(row?.termFrequencies ? { tf: termFrequencies(row.termFrequencies) } : {}),
      }));
    this.cache.set(site, { at: Date.now(), value });
    value.catch(() => this.cache.delete(site));
    return value;
  }

  async get(site: string, caller: Caller): Promise<MatchSettingsView> {
    await this.checkSite(site, caller);
    const row = await this.orm.em.fork().findOne(CustomerMatchSettings, { site });
    return viewOf(site, row);
  }

  /**
   * Replaces the site's override. Refused with every bad field named (its path in the override) when
   * it breaks the engine's schema or its rules; with expectedVersion, only if nobody saved in between.
   */
  async set(
    site: string,
    override: unknown,
    caller: Caller,
    expectedVersion?: number,
  ): Promise<MatchSettingsView> {
    await this.checkSite(site, caller);
    resolveMatchConfig(override);
    const view = await this.orm.em.fork().transactional(async (em) => {
      await em.execute(
        `insert into customer_match_settings (site, override, version) values (?, '{}', 0)
        on conflict do nothing`,
        [site],
      );
      const row = await em.findOneOrFail(
        CustomerMatchSettings,
        { site },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        throw new ConflictError(
          `the match configuration of site ${site} is at version ${row.version}, not ${expectedVersion}: reload it and apply your change again`,
        );
      }
      em.assign(row, {
        override: override as MatchConfigOverride,
        version: row.version + 1,
        updatedAt: new Date(),
        updatedBy: caller.userId ?? null,
      } as Partial<CustomerMatchSettings>);
      return viewOf(site, row);
    });
    this.cache.delete(site);
    return view;
  }

  /** The name counts of a site's base (from a deduplication job), for term-frequency weights. */
  async storeTermFrequencies(em: EntityManager, site: string, table: TermFrequencyTable): Promise<void> {
    await em.execute(
      `insert into customer_match_settings (site, override, version, term_frequencies, term_frequencies_at)
       values (?, '{}', 0, ?::jsonb, now())
       on conflict (site) do update set term_frequencies = excluded.term_frequencies,
         term_frequencies_at = excluded.term_frequencies_at`,
      [site, JSON.stringify(table)],
    );
    this.cache.delete(site);
  }

  private async checkSite(site: string, caller: Caller): Promise<void> {
    siteRegion(await this.referenceData.get(), site);
    if (!canAccessSite(caller, site))
      throw new PermissionDeniedError(`this key has no access to site '${site}'`);
  }
}

function viewOf(site: string, row: CustomerMatchSettings | null): MatchSettingsView {
  const override = row?.override ?? {};
  return {
    site,
    override,
    effective: resolveMatchConfig(override),
    version: row?.version ?? 0,
    ...(row?.updatedAt ? { updatedAt: row.updatedAt } : {}),
    ...(row?.updatedBy ? { updatedBy: row.updatedBy } : {}),
    ...(row?.termFrequenciesAt ? { termFrequenciesAt: row.termFrequenciesAt } : {}),
  };
}
