import { ValidationError } from '@openretail/contracts';
import type { customersV1 } from '@openretail/grpc';
import { checkUuid } from './requests';

/** A customer (individual or corporate) by id or by its site's external id. */
export type CustomerKey = { id: string } | { site: string; externalId: string };

export function keyFromProto(key: customersV1.CustomerKey__Output | null | undefined): CustomerKey {
  if (key?.key === 'id' && key.id) return { id: checkUuid(key.id, 'id') };
  if (key?.key === 'external' && key.external?.site && key.external.externalId) {
    return { site: key.external.site, externalId: key.external.externalId };
  }
  throw ValidationError.field('key', 'give either id or site and externalId');
}

export function describeKey(key: CustomerKey): string {
  return 'id' in key ? key.id : `${key.site}/${key.externalId}`;
}

export function whereKey(key: CustomerKey) {
  return 'id' in key ? { id: key.id } : { site: key.site, externalId: key.externalId };
}
