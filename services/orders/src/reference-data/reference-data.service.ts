import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, PreconditionError, ValidationError } from '@openretail/contracts';
import { parseReferenceData, type ReferenceData } from './reference-data';
import { REFERENCE_DATA_ID, ReferenceDataDocument } from './reference-data.entity';

export interface VersionedReferenceData {
  version: number;
  data: ReferenceData;
}

/** How long a cached document is used before asking the database for its version again. */
const VERSION_CHECK_INTERVAL_MS = 1000;

const NOT_CONFIGURED = 'reference data is not configured: PUT /v1/reference-data';

/**
 * The installation's reference data: validated on save, versioned, and cached in memory. Every
 * order needs it, so the cache answers; at most once a second a cheap `select version` tells whether
 * another replica saved a newer document, so all replicas converge within about a second.
 */
@Injectable()
export class ReferenceDataService {
  private cached: VersionedReferenceData | undefined;
  private checkedAt = 0;
  private refreshing: Promise<VersionedReferenceData | undefined> | undefined;

  constructor(private readonly orm: MikroORM) {}

  /** The current reference data; PreconditionError when none has been saved yet. */
  async get(): Promise<ReferenceData> {
    const current = await this.current();
    if (!current) throw new PreconditionError(NOT_CONFIGURED);
    return current.data;
  }

  /** The current document with its version; NotFoundError when none has been saved yet. */
  async document(): Promise<VersionedReferenceData> {
    const current = await this.current();
    if (!current) throw new NotFoundError(NOT_CONFIGURED);
    return current;
  }

  /**
   * Validates and stores a whole new document (ValidationError listing every problem). With
   * expectedVersion the save succeeds only when it is still the current version (0: none saved yet),
   * else ConflictError.
   */
  async replace(input: unknown, expectedVersion?: number): Promise<VersionedReferenceData> {
    const data = parseReferenceData(input);
    let saved: VersionedReferenceData;
    try {
      saved = await this.orm.em.fork().transactional(async (em) => {
        // The row lock orders concurrent saves, so each one checks the version the previous one wrote.
        const row = await em.findOne(
          ReferenceDataDocument,
          { id: REFERENCE_DATA_ID },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        const currentVersion = row?.version ?? 0;
        if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
          throw new ConflictError(
            `reference data is at version ${currentVersion}, not ${expectedVersion}: reload it and apply your changes again`,
          );
        }
        const version = currentVersion + 1;
        const values = { version, document: data.data, updatedAt: new Date() };
        if (row) Object.assign(row, values);
        else em.create(ReferenceDataDocument, { id: REFERENCE_DATA_ID, ...values });
        return { version, data };
      });
    } catch (e) {
      // Two first saves at once: nothing existed to lock, so they meet at the primary key.
      if (e instanceof UniqueConstraintViolationException) {
        throw new ConflictError('reference data was saved concurrently: reload it and try again');
      }
      throw e;
    }
    if (!this.cached || this.cached.version < saved.version) this.cached = saved;
    this.checkedAt = Date.now();
    return saved;
  }

  private async current(): Promise<VersionedReferenceData | undefined> {
    if (this.cached && Date.now() - this.checkedAt < VERSION_CHECK_INTERVAL_MS) return this.cached;
    // Concurrent callers share one round trip.
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<VersionedReferenceData | undefined> {
    const em = this.orm.em.fork();
    const [row] = await em.execute<{ version: number }[]>('select version from reference_data where id = ?', [
      REFERENCE_DATA_ID,
    ]);
    if (row && row.version !== this.cached?.version) {
      const doc = await em.findOneOrFail(ReferenceDataDocument, { id: REFERENCE_DATA_ID });
      this.cached = { version: doc.version, data: parseStored(doc) };
    }
    // Not configured is not cached: the first save on any replica must take effect at once.
    if (!row) this.cached = undefined;
    else this.checkedAt = Date.now();
    return this.cached;
  }
}

/**
 * Rebuilds the lookups from what was stored. It was valid when saved; if a later release tightened
 * the rules, that is an operator's problem, not the caller's invalid input.
 */
function parseStored(doc: ReferenceDataDocument): ReferenceData {
  try {
    return parseReferenceData(doc.document);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const problems = e.violations.map((v) => `${v.field}: ${v.reason}`).join('; ');
    throw new Error(`stored reference data version ${doc.version} is no longer valid: ${problems}`);
  }
}
