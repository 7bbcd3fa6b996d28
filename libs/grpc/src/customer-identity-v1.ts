import type { CustomerJson } from '@openretail/contracts';
import type { ProtoGrpcType } from './generated/identity';
import type { CustomerIdentityServiceDefinition } from './generated/openretail/customers/v1/CustomerIdentityService';
import type { DedupJob__Output } from './generated/openretail/customers/v1/DedupJob';
import type { FieldContribution__Output } from './generated/openretail/customers/v1/FieldContribution';
import type { FindOrCreateCustomerResponse__Output } from './generated/openretail/customers/v1/FindOrCreateCustomerResponse';
import type { MatchConfig__Output } from './generated/openretail/customers/v1/MatchConfig';
import type { MatchExplanation__Output } from './generated/openretail/customers/v1/MatchExplanation';
import type { MatchScore__Output } from './generated/openretail/customers/v1/MatchScore';
import type { Merge__Output } from './generated/openretail/customers/v1/Merge';
import type { Suggestion__Output } from './generated/openretail/customers/v1/Suggestion';
import { customerFromProto } from './customers-v1-json';
import { loadProto } from './proto';
import { compact, str, timeIn } from './proto-values';

// The message types of CustomerIdentityService, under their proto names.
export type { AcceptSuggestionRequest } from './generated/openretail/customers/v1/AcceptSuggestionRequest';
export type { CancelDedupJobRequest } from './generated/openretail/customers/v1/CancelDedupJobRequest';
export type { Contact, Contact__Output } from './generated/openretail/customers/v1/Contact';
export type { DedupJob, DedupJob__Output } from './generated/openretail/customers/v1/DedupJob';
export type {
  FieldContribution,
  FieldContribution__Output,
} from './generated/openretail/customers/v1/FieldContribution';
export type { FindOrCreateCustomerRequest } from './generated/openretail/customers/v1/FindOrCreateCustomerRequest';
export type {
  FindOrCreateCustomerResponse,
  FindOrCreateCustomerResponse__Output,
} from './generated/openretail/customers/v1/FindOrCreateCustomerResponse';
export type { MatchConfig, MatchConfig__Output } from './generated/openretail/customers/v1/MatchConfig';
export type {
  MatchExplanation,
  MatchExplanation__Output,
} from './generated/openretail/customers/v1/MatchExplanation';
export type { MatchScore, MatchScore__Output } from './generated/openretail/customers/v1/MatchScore';
export type { Merge, Merge__Output } from './generated/openretail/customers/v1/Merge';
export type { Suggestion, Suggestion__Output } from './generated/openretail/customers/v1/Suggestion';
export type { CustomerIdentityServiceDefinition } from './generated/openretail/customers/v1/CustomerIdentityService';

export const PROTO_FILE = 'openretail/customers/v1/identity.proto';

type Package = ProtoGrpcType['openretail']['customers']['v1'];
let cached: Package | undefined;

export function load(): Package {
  cached ??= loadProto<ProtoGrpcType>([PROTO_FILE]).openretail.customers.v1;
  return cached;
}

/** The CustomerIdentityService definition, for createGrpcServer and createGrpcClient. */
export function customerIdentityService(): CustomerIdentityServiceDefinition {
  return load().CustomerIdentityService.service;
}

// ---------------------------------------------------------------- public JSON

export interface FieldContributionJson {
  field: string;
  level: string;
  weight: number;
  a?: string;
  b?: string;
  similarity?: number;
  note?: string;
}

export interface MatchScoreJson {
  customerId: string;
  weight: number;
  probability: number;
  decision: string;
  contradictions: string[];
  contributions: FieldContributionJson[];
}

const contributionFromProto = (c: FieldContribution__Output): FieldContributionJson =>
  compact({
    field: c.field,
    level: c.level,
    weight: c.weight,
    a: str(c.a),
    b: str(c.b),
    similarity: c.similarity ?? undefined,
    note: str(c.note),
  });

export const matchScoreFromProto = (s: MatchScore__Output): MatchScoreJson => ({
  customerId: s.customerId,
  weight: s.weight,
  probability: s.probability,
  decision: s.decision,
  contradictions: s.contradictions,
  contributions: s.contributions.map(contributionFromProto),
});

export function findOrCreateFromProto(r: FindOrCreateCustomerResponse__Output) {
  return compact({
    customer: r.customer ? customerFromProto(r.customer) : undefined,
    decision: r.decision,
    best: r.best ? matchScoreFromProto(r.best) : undefined,
    suggestionIds: r.suggestionIds,
  });
}

export function explanationFromProto(e: MatchExplanation__Output) {
  return compact({
    orderId: e.orderId,
    site: e.site,
    customerId: e.customerId,
    decision: e.decision,
    best: e.best ? matchScoreFromProto(e.best) : undefined,
    suggestionIds: e.suggestionIds,
    linkedAt: timeIn(e.linkedAt, 'linkedAt'),
    updatedAt: timeIn(e.updatedAt, 'updatedAt'),
  });
}

export function suggestionFromProto(s: Suggestion__Output) {
  return compact({
    id: s.id,
    site: s.site,
    customerIds: s.customerIds,
    weight: s.weight,
    probability: s.probability,
    contributions: s.contributions.map(contributionFromProto),
    contradictions: s.contradictions,
    status: s.status,
    origin: s.origin,
    orderId: str(s.orderId),
    jobId: str(s.jobId),
    createdAt: timeIn(s.createdAt, 'createdAt'),
    updatedAt: timeIn(s.updatedAt, 'updatedAt'),
    decidedBy: str(s.decidedBy),
    decidedAt: timeIn(s.decidedAt, 'decidedAt'),
    mergeId: str(s.mergeId),
  });
}

export function mergeFromProto(m: Merge__Output) {
  return compact({
    id: m.id,
    site: m.site,
    survivorId: m.survivorId,
    mergedIds: m.mergedIds,
    origin: m.origin,
    suggestionId: str(m.suggestionId),
    jobId: str(m.jobId),
    changedFields: m.changedFields,
    orderIds: m.orderIds,
    createdAt: timeIn(m.createdAt, 'createdAt'),
    createdBy: str(m.createdBy),
    source: m.source,
    undoneAt: timeIn(m.undoneAt, 'undoneAt'),
    undoneBy: str(m.undoneBy),
    undoable: m.undoable,
    notUndoableReason: str(m.notUndoableReason),
    survivor: m.survivor ? (customerFromProto(m.survivor, 'survivor') as CustomerJson) : undefined,
  });
}

export function dedupJobFromProto(j: DedupJob__Output) {
  const p = j.progress;
  const r = j.report;
  return compact({
    id: j.id,
    site: j.site,
    status: j.status,
    phase: j.phase,
    autoMerge: j.autoMerge,
    progress: p
      ? compact({
          records: { done: Number(p.recordsDone), total: Number(p.recordsTotal) },
          clusters: { done: Number(p.clustersDone), total: Number(p.clustersTotal) },
          suggestions: { done: Number(p.suggestionsDone), total: Number(p.suggestionsTotal) },
          rate: p.rate,
          etaSeconds: p.etaSeconds ?? undefined,
        })
      : undefined,
    pairsScored: Number(j.pairsScored),
    autoMergePairs: Number(j.autoMergePairs),
    suggestPairs: Number(j.suggestPairs),
    merges: Number(j.merges),
    profilesMerged: Number(j.profilesMerged),
    suggestionsFiled: Number(j.suggestionsFiled),
    runs: j.runs,
    createdAt: timeIn(j.createdAt, 'createdAt'),
    createdBy: str(j.createdBy),
    updatedAt: timeIn(j.updatedAt, 'updatedAt'),
    finishedAt: timeIn(j.finishedAt, 'finishedAt'),
    error: str(j.error),
    report: r
      ? {
          records: Number(r.records),
          pairsScored: Number(r.pairsScored),
          autoMergePairs: Number(r.autoMergePairs),
          suggestPairs: Number(r.suggestPairs),
          clusters: Number(r.clusters),
          merges: Number(r.merges),
          profilesMerged: Number(r.profilesMerged),
          clustersSkipped: Number(r.clustersSkipped),
          suggestionsFiled: Number(r.suggestionsFiled),
          oversizedBlocks: Number(r.oversizedBlocks),
          seconds: r.seconds,
        }
      : undefined,
  });
}

export function matchConfigFromProto(c: MatchConfig__Output) {
  return compact({
    site: c.site,
    override: JSON.parse(c.overrideJson || '{}') as unknown,
    effective: JSON.parse(c.effectiveJson || '{}') as unknown,
    version: Number(c.version),
    updatedAt: timeIn(c.updatedAt, 'updatedAt'),
    updatedBy: str(c.updatedBy),
    termFrequenciesAt: timeIn(c.termFrequenciesAt, 'termFrequenciesAt'),
  });
}
