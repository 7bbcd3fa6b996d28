import { ValidationError } from '@openretail/contracts';
import type { customersV1 } from '@openretail/grpc';
import { checkUuid } from './requests';

/** A customer (individual or corporate) by id, by its numeric id or by its site's external id. */
export type CustomerKey = { id: string } | { numericId: number } | { site: string; externalId: string };

export function keyFromProto(key: customersV1.CustomerKey__Output | null | undefined): CustomerKey {
  if (key?.key === 'id' && key.id) return { id: checkUuid(key.id, 'id') };
  if (key?.key === 'numericId') {
    const numericId = Number(key.numericId);
    if (!Number.isSafeInteger(numericId) || numericId < 1) {
      throw ValidationError.field('key.numericId', 'must be a whole number, 1 or more');
    }
    return { numericId };
  }
  if (key?.key === 'external' && key.external?.site && key.external.externalId) {
    return { site: key.external.site, externalId: key.external.externalId };
  }
  throw ValidationError.field('key', 'give id, numericId, or site and externalId');
}

export function describeKey(key: CustomerKey): string {
  if ('id' in key) return key.id;
  return 'numericId' in key ? `#${key.numericId}` : `${key.site}/${key.externalId}`;
}

export function whereKey(key: CustomerKey) {
  if ('id' in key) return { id: key.id };
  return 'numericId' in key ? { numericId: key.numericId } : { site: key.site, externalId: key.externalId };
}
