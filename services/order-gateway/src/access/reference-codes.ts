import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { NotFoundError, type FieldViolation } from '@openretail/contracts';
import { REFERENCE_DATA_CLIENT, type ReferenceDataClient } from '../reference-data/reference-data-client';

/** The site and user-group codes of the reference data, which keys and users refer to. */
export interface KnownCodes {
  /** False while no reference data has been saved: then no code is known. */
  configured: boolean;
  sites: ReadonlySet<string>;
  userGroups: ReadonlySet<string>;
}

const codes = z.array(z.object({ code: z.string() })).transform((list) => new Set(list.map((e) => e.code)));
const documentCodes = z.object({ sites: codes, userGroups: codes });

const WHAT = { sites: 'site', userGroups: 'user group' } as const;

/** A violation for each value that is not a code of the given dictionary, named `field[i]`. */
export function unknownCodes(
  values: readonly string[],
  known: KnownCodes,
  dictionary: keyof typeof WHAT,
  field: string,
): FieldViolation[] {
  const hint = known.configured ? '' : ' (no reference data saved yet: PUT /v1/reference-data first)';
  return values.flatMap((value, i) =>
    known[dictionary].has(value)
      ? []
      : [{ field: `${field}[${i}]`, reason: `unknown ${WHAT[dictionary]} '${value}'${hint}` }],
  );
}

/** Reads the codes from the orders service, which owns the reference data (management calls only). */
@Injectable()
export class ReferenceCodes {
  constructor(@Inject(REFERENCE_DATA_CLIENT) private readonly client: ReferenceDataClient) {}

  async load(): Promise<KnownCodes> {
    try {
      const document = await this.client.call('GetReferenceData', {});
      return { configured: true, ...documentCodes.parse(JSON.parse(document.json)) };
    } catch (e) {
      if (e instanceof NotFoundError) return { configured: false, sites: new Set(), userGroups: new Set() };
      throw e;
    }
  }
}
