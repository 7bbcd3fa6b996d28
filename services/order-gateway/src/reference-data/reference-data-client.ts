import { createGrpcClient, ordersV1, type GrpcClient } from '@openretail/grpc';

export const REFERENCE_DATA_CLIENT = Symbol('REFERENCE_DATA_CLIENT');
export type ReferenceDataClient = GrpcClient<ordersV1.ReferenceDataServiceDefinition>;

/** ReferenceDataService is served by the orders service, at the same address as OrdersService. */
export function createReferenceDataClient(address: string, deadlineMs: number): ReferenceDataClient {
  return createGrpcClient(ordersV1.referenceDataService(), address, {
    deadlineMs,
    // A replace is not retried: after a lost answer a retry would bump the version a second time.
    idempotentMethods: ['GetReferenceData'],
  });
}
