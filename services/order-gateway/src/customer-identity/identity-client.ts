import { createGrpcClient, customerIdentityV1, type GrpcClient } from '@openretail/grpc';

export const IDENTITY_CLIENT = Symbol('IDENTITY_CLIENT');
export type IdentityClient = GrpcClient<customerIdentityV1.CustomerIdentityServiceDefinition>;

export function createIdentityClient(address: string, deadlineMs: number): IdentityClient {
  return createGrpcClient(customerIdentityV1.customerIdentityService(), address, {
    deadlineMs,
    // Reads, and the decisions a retry cannot repeat: a rejected suggestion stays rejected, a
    // second cancel of a job finds it cancelled. Merges, undos, starts and find-or-create are not
    // retried: a retry after a lost answer would be refused or make a second profile.
    idempotentMethods: [
      'GetMatchExplanation',
      'ListSuggestions',
      'GetSuggestion',
      'RejectSuggestion',
      'GetMerge',
      'GetDedupJob',
      'ListDedupJobs',
      'GetMatchConfig',
    ],
  });
}
