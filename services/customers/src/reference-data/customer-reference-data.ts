import { z } from 'zod';
import { NotFoundError, PreconditionError, UnavailableError, ValidationError } from '@openretail/contracts';
import { createGrpcClient, ordersV1, type GrpcClient } from '@openretail/grpc';
import type { Region } from '../matching/normalise/phone';

/**
 * What customers need of the installation's reference data, which the orders service owns and
 * validates: the sites (with the phone region that national numbers are read in) and the custom
 * field definitions for customers. Read through ReferenceDataService, never from its tables.
 */
const documentSchema = z.object({
  sites: z.array(z.looseObject({ code: z.string(), defaultPhoneRegion: z.string().default('RU') })),
  customFields: z.array(
    z.looseObject({
      code: z.string(),
      entity: z.string(),
      type: z.string(),
      values: z.array(z.string()).optional(),
    }),
  ),
});

export interface CustomFieldDefinition {
  code: string;
  type: string;
  values?: string[];
}

export class CustomerReferenceData {
  private readonly regions: ReadonlyMap<string, Region>;
  private readonly fields: ReadonlyMap<string, CustomFieldDefinition>;

  constructor(document: unknown) {
    const parsed = documentSchema.safeParse(document);
    if (!parsed.success) throw new Error(`reference data unreadable: ${parsed.error.message}`);
    this.regions = new Map(parsed.data.sites.map((s) => [s.code, s.defaultPhoneRegion as Region]));
    this.fields = new Map(
      parsed.data.customFields.filter((f) => f.entity === 'customer').map((f) => [f.code, f]),
    );
  }

  get siteCodes(): string[] {
    return [...this.regions.keys()];
  }

  /** The site's phone region, or undefined for a site that does not exist. */
  phoneRegion(site: string): Region | undefined {
    return this.regions.get(site);
  }

  customField(code: string): CustomFieldDefinition | undefined {
    return this.fields.get(code);
  }
}

export interface ReferenceDataProvider {
  get(): Promise<CustomerReferenceData>;
}

export const REFERENCE_DATA = Symbol('REFERENCE_DATA');

export type ReferenceDataClient = GrpcClient<ordersV1.ReferenceDataServiceDefinition>;

export function createReferenceDataClient(address: string, deadlineMs: number): ReferenceDataClient {
  return createGrpcClient(ordersV1.referenceDataService(), address, {
    deadlineMs,
    idempotentMethods: ['GetReferenceData'],
  });
}

/**
 * The reference data from the orders service, kept for `ttlMs`: a change of the reference data
 * reaches customer commands within that time. When the orders service cannot be reached, the copy
 * last read is used (and the service asked again after another ttl); without one, commands that
 * need it are unavailable (503) rather than unchecked.
 */
export class GrpcReferenceData implements ReferenceDataProvider {
  private cached?: { data: CustomerReferenceData; version: number; at: number };
  private pending?: Promise<CustomerReferenceData>;

  constructor(
    private readonly client: ReferenceDataClient,
    private readonly ttlMs = 5_000,
    private readonly now = () => Date.now(),
  ) {}

  async get(): Promise<CustomerReferenceData> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.data;
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<CustomerReferenceData> {
    try {
      const doc = await this.client.call('GetReferenceData', {});
      const data =
        this.cached?.version === doc.version
          ? this.cached.data
          : new CustomerReferenceData(JSON.parse(doc.json));
      this.cached = { data, version: doc.version, at: this.now() };
      return data;
    } catch (e) {
      if (e instanceof NotFoundError) {
        throw new PreconditionError('no reference data has been saved yet: PUT /v1/reference-data first');
      }
      if (this.cached) {
        // Retried after another ttl, so an outage does not make every command wait for a deadline.
        this.cached.at = this.now();
        return this.cached.data;
      }
      throw new UnavailableError(`the reference data cannot be read: ${(e as Error).message}`);
    }
  }
}

/** The site's phone region; the site must exist. */
export function siteRegion(ref: CustomerReferenceData, site: string, field = 'site'): Region {
  const region = ref.phoneRegion(site);
  if (!region) throw unknownSite(site, field);
  return region;
}

export function unknownSite(site: string, field = 'site'): ValidationError {
  return ValidationError.field(field, `unknown site '${site}'`);
}
