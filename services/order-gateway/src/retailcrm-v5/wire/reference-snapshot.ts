import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@openretail/contracts';
import { REFERENCE_DATA_CLIENT, type ReferenceDataClient } from '../../reference-data/reference-data-client';

/** A dictionary entry of the reference data, as the orders service stores it. */
export interface Entry {
  code: string;
  name: string;
  active: boolean;
  ordering?: number;
  [member: string]: unknown;
}

/** The parts of the reference data document the RetailCRM API reads and edits. */
export interface ReferenceDocument {
  settings?: { timeZone?: string };
  sites: (Entry & { currency: string; orderNumberFormat?: string })[];
  statusGroups: (Entry & { kind: string })[];
  statuses: (Entry & { group: string })[];
  userGroups: Entry[];
  orderTypes: Entry[];
  orderMethods: Entry[];
  paymentTypes: Entry[];
  paymentStatuses: (Entry & { paid?: boolean })[];
  deliveryTypes: Entry[];
  itemStatuses: Entry[];
  customFields: (Entry & { entity: string; type: string; values?: string[] })[];
  [dictionary: string]: unknown;
}

export interface Reference {
  version: number;
  data: ReferenceDocument;
  /** The installation's time zone (settings.timeZone). */
  timeZone: string;
}

const EMPTY: ReferenceDocument = {
  sites: [],
  statusGroups: [],
  statuses: [],
  userGroups: [],
  orderTypes: [],
  orderMethods: [],
  paymentTypes: [],
  paymentStatuses: [],
  deliveryTypes: [],
  itemStatuses: [],
  customFields: [],
};

const DEFAULT_TIME_ZONE = 'Europe/Moscow';
const TTL_MS = 5_000;

/**
 * The reference data as the RetailCRM API sees it: read from the orders service, which owns and
 * validates it, and kept for a few seconds because nearly every RetailCRM call needs it (time zone,
 * site currencies, status groups). An edit goes through the orders service's validated save.
 */
@Injectable()
export class ReferenceSnapshot {
  private cached?: { at: number; value: Promise<Reference> };

  constructor(@Inject(REFERENCE_DATA_CLIENT) private readonly client: ReferenceDataClient) {}

  get(): Promise<Reference> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > TTL_MS) {
      const value = this.load();
      this.cached = { at: now, value };
      value.catch(() => (this.cached = undefined));
    }
    return this.cached.value;
  }

  /**
   * Applies a change to the current document and saves it through the validating save, retrying
   * when another save came in between. `change` may throw to refuse.
   */
  async edit(change: (doc: ReferenceDocument) => void): Promise<Reference> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.load();
      const doc = structuredClone(current.data);
      change(doc);
      try {
        const saved = await this.client.call('ReplaceReferenceData', {
          json: JSON.stringify(doc),
          expectedVersion: current.version,
        });
        const value = Promise.resolve(referenceOf(saved.json, saved.version));
        this.cached = { at: Date.now(), value };
        return value;
      } catch (e) {
        if (!(e instanceof ConflictError) || attempt >= 3) throw e;
      }
    }
  }

  private async load(): Promise<Reference> {
    try {
      const doc = await this.client.call('GetReferenceData', {});
      return referenceOf(doc.json, doc.version);
    } catch (e) {
      if (e instanceof NotFoundError)
        return { version: 0, data: structuredClone(EMPTY), timeZone: DEFAULT_TIME_ZONE };
      throw e;
    }
  }
}

function referenceOf(json: string, version: number): Reference {
  const data = { ...EMPTY, ...(JSON.parse(json) as Partial<ReferenceDocument>) } as ReferenceDocument;
  return { version, data, timeZone: data.settings?.timeZone ?? DEFAULT_TIME_ZONE };
}
