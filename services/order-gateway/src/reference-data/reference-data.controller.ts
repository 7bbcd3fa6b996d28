import { Body, Controller, Get, Headers, Inject, Put } from '@nestjs/common';
import { z } from 'zod';
import { type ordersV1 } from '@openretail/grpc';
import { ValidationError } from '@openretail/contracts';
import { RequirePermission } from '../access';
import { REFERENCE_DATA_CLIENT, type ReferenceDataClient } from './reference-data-client';

/** A version as an If-Match value: the plain number or an entity tag ("3"). */
const ifMatchHeader = z
  .string()
  .regex(/^\s*"?\d{1,9}"?\s*$/, 'must be the version to replace, e.g. 3')
  .transform((v) => Number(v.replace(/[\s"]/g, '')))
  .optional();

const toJson = (doc: ordersV1.ReferenceDataDocument__Output) => ({
  version: doc.version,
  data: JSON.parse(doc.json) as unknown,
});

/**
 * The installation's reference data (sites, statuses, the status matrix, dictionaries) as one
 * document. The orders service validates it; the gateway only passes it on.
 */
@Controller('v1/reference-data')
export class ReferenceDataController {
  constructor(@Inject(REFERENCE_DATA_CLIENT) private readonly referenceData: ReferenceDataClient) {}

  @Get()
  @RequirePermission('reference-data:read')
  async get() {
    return toJson(await this.referenceData.call('GetReferenceData', {}));
  }

  /** Replaces the whole document; with If-Match only if the stored version is still that one. */
  @Put()
  @RequirePermission('reference-data:write')
  async replace(@Body() body: unknown, @Headers('if-match') ifMatch?: string) {
    const expected = ifMatchHeader.safeParse(ifMatch);
    if (!expected.success) throw ValidationError.field('If-Match', expected.error.issues[0].message);
    return toJson(
      await this.referenceData.call('ReplaceReferenceData', {
        json: JSON.stringify(body ?? null),
        expectedVersion: expected.data,
      }),
    );
  }
}
