import { createGrpcClient, customersV1, type GrpcClient } from '@openretail/grpc';

export const SEGMENTS_CLIENT = Symbol('SEGMENTS_CLIENT');
export type SegmentsClient = GrpcClient<customersV1.SegmentsServiceDefinition>;

export function createSegmentsClient(address: string, deadlineMs: number): SegmentsClient {
  return createGrpcClient(customersV1.segmentsService(), address, {
    deadlineMs,
    // Reads only: a retried create of a segment that was made answers "code taken", and an edit
    // has no key to recognise its retry by.
    idempotentMethods: ['GetSegment', 'ListSegments', 'ListSegmentMembers', 'GetCustomerSegments'],
  });
}
