import { Injectable } from '@nestjs/common';
import { ValidationError } from '@openretail/contracts';
import {
  customersV1,
  timestampFromDate,
  type customerIdentityV1,
  type ServiceImplementation,
} from '@openretail/grpc';
import { probabilityOf, type FieldContribution, type PairScore } from '../matching';
import { DedupJobs, type DedupJobView } from '../dedup/dedup-jobs';
import { MergeService, type MergeView } from '../merge/merge.service';
import { SuggestionsService, type SuggestionView } from '../merge/suggestions.service';
import { customerJsonOf } from '../profiles/customers.grpc';
import { callerFromProto } from '../shared/caller';
import type { OrderLinkView } from './identity-resolution';
import { IdentityService } from './identity.service';
import { MatchSettings, type MatchSettingsView } from './match-settings';

type Implementation = ServiceImplementation<customerIdentityV1.CustomerIdentityServiceDefinition>;

/** CustomerIdentityService, translated to and from the application services. */
@Injectable()
export class IdentityGrpcHandler {
  constructor(
    private readonly identity: IdentityService,
    private readonly suggestions: SuggestionsService,
    private readonly merges: MergeService,
    private readonly jobs: DedupJobs,
    private readonly settings: MatchSettings,
  ) {}

  implementation(): Implementation {
    return {
      FindOrCreateCustomer: async (req) => {
        const c = req.contact;
        const result = await this.identity.findOrCreate(
          {
            site: c?.site ?? '',
            firstName: c?.firstName || undefined,
            lastName: c?.lastName || undefined,
            patronymic: c?.patronymic || undefined,
            phones: c?.phones ?? [],
            emails: c?.emails ?? [],
            birthday: c?.birthday || undefined,
          },
          callerFromProto(req.caller),
        );
        return {
          customer: customersV1.customerToProto(customerJsonOf(result.customer)),
          decision: result.decision,
          best: result.best ? scoreToProto(result.best) : undefined,
          suggestionIds: result.suggestionIds,
        };
      },
      GetMatchExplanation: async (req) =>
        explanationToProto(await this.identity.orderLink(req.orderId, callerFromProto(req.caller))),
      ListSuggestions: async (req) => {
        const { views, nextPageToken } = await this.suggestions.list(
          {
            sites: req.sites,
            status: req.status || undefined,
            customerId: req.customerId || undefined,
            pageSize: req.pageSize,
            pageToken: req.pageToken || undefined,
          },
          callerFromProto(req.caller),
        );
        return { suggestions: views.map(suggestionToProto), nextPageToken: nextPageToken ?? '' };
      },
      GetSuggestion: async (req) =>
        suggestionToProto(await this.suggestions.get(req.id, callerFromProto(req.caller))),
      AcceptSuggestion: async (req) =>
        mergeToProto(
          await this.suggestions.accept(req.id, callerFromProto(req.caller), req.survivorId || undefined),
        ),
      RejectSuggestion: async (req) =>
        suggestionToProto(await this.suggestions.reject(req.id, callerFromProto(req.caller))),
      MergeCustomers: async (req) =>
        mergeToProto(
          await this.merges.merge(
            { customerIds: req.customerIds, survivorId: req.survivorId || undefined },
            callerFromProto(req.caller),
          ),
        ),
      GetMerge: async (req) => mergeToProto(await this.merges.get(req.id, callerFromProto(req.caller))),
      UndoMerge: async (req) => mergeToProto(await this.merges.undo(req.id, callerFromProto(req.caller))),
      StartDedupJob: async (req) =>
        jobToProto(
          await this.jobs.start(
            req.site,
            { autoMerge: req.autoMerge ?? undefined },
            callerFromProto(req.caller),
          ),
        ),
      GetDedupJob: async (req) => jobToProto(await this.jobs.get(req.id, callerFromProto(req.caller))),
      ListDedupJobs: async (req) => ({
        jobs: (await this.jobs.list(req.sites, callerFromProto(req.caller))).map(jobToProto),
      }),
      CancelDedupJob: async (req) => jobToProto(await this.jobs.cancel(req.id, callerFromProto(req.caller))),
      GetMatchConfig: async (req) =>
        configToProto(await this.settings.get(req.site, callerFromProto(req.caller))),
      SetMatchConfig: async (req) =>
        configToProto(
          await this.settings.set(
            req.site,
            parseJson(req.overrideJson, 'overrideJson'),
            callerFromProto(req.caller),
            req.expectedVersion === null || req.expectedVersion === undefined
              ? undefined
              : Number(req.expectedVersion),
          ),
        ),
    };
  }
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    throw ValidationError.field(field, 'is not JSON');
  }
}

const time = (d: Date | null | undefined) => (d ? timestampFromDate(d) : undefined);

function contributionToProto(c: FieldContribution): customerIdentityV1.FieldContribution {
  return {
    field: c.field,
    level: c.level,
    weight: c.weight,
    a: c.a ?? '',
    b: c.b ?? '',
    ...(c.similarity !== undefined ? { similarity: c.similarity } : {}),
    note: c.note ?? '',
  };
}

function scoreToProto(s: PairScore): customerIdentityV1.MatchScore {
  return {
    customerId: s.bId,
    weight: s.weight,
    probability: s.probability,
    decision: s.decision,
    contradictions: s.contradictions,
    contributions: s.contributions.map(contributionToProto),
  };
}

function explanationToProto(l: OrderLinkView): customerIdentityV1.MatchExplanation {
  return {
    orderId: l.orderId,
    site: l.site,
    customerId: l.customerId,
    decision: l.decision,
    best:
      l.candidateId && l.weight !== undefined && l.weight !== null
        ? {
            customerId: l.candidateId,
            weight: l.weight,
            probability: probabilityOf(l.weight),
            decision: l.candidateDecision ?? '',
            contradictions: l.contradictions ?? [],
            contributions: (l.contributions ?? []).map(contributionToProto),
          }
        : undefined,
    suggestionIds: l.suggestionIds ?? [],
    linkedAt: time(l.linkedAt),
    updatedAt: time(l.updatedAt),
  };
}

function suggestionToProto(s: SuggestionView): customerIdentityV1.Suggestion {
  return {
    id: s.id,
    site: s.site,
    customerIds: s.customerIds,
    weight: s.weight,
    probability: s.probability,
    contributions: s.contributions.map(contributionToProto),
    contradictions: s.contradictions,
    status: s.status,
    origin: s.origin,
    orderId: s.orderId ?? '',
    jobId: s.jobId ?? '',
    createdAt: time(s.createdAt),
    updatedAt: time(s.updatedAt),
    decidedBy: s.decidedBy ?? '',
    decidedAt: time(s.decidedAt),
    mergeId: s.mergeId ?? '',
  };
}

function mergeToProto(m: MergeView): customerIdentityV1.Merge {
  return {
    id: m.id,
    site: m.site,
    survivorId: m.survivorId,
    mergedIds: m.mergedIds,
    origin: m.origin,
    suggestionId: m.suggestionId ?? '',
    jobId: m.jobId ?? '',
    changedFields: m.changedFields,
    orderIds: m.orderIds,
    createdAt: time(m.createdAt),
    createdBy: m.createdBy ?? '',
    source: m.source,
    undoneAt: time(m.undoneAt),
    undoneBy: m.undoneBy ?? '',
    undoable: m.undoable,
    notUndoableReason: m.notUndoableReason ?? '',
    survivor: m.survivor ? customersV1.customerToProto(customerJsonOf(m.survivor)) : undefined,
  };
}

function jobToProto(j: DedupJobView): customerIdentityV1.DedupJob {
  const p = j.progress;
  return {
    id: j.id,
    site: j.site,
    status: j.status,
    phase: j.phase,
    autoMerge: j.autoMerge,
    progress: {
      recordsDone: p.records.done,
      recordsTotal: p.records.total,
      clustersDone: p.clusters.done,
      clustersTotal: p.clusters.total,
      suggestionsDone: p.suggestions.done,
      suggestionsTotal: p.suggestions.total,
      rate: p.rate,
      ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
    },
    pairsScored: j.pairsScored,
    autoMergePairs: j.autoMergePairs,
    suggestPairs: j.suggestPairs,
    merges: j.merges,
    profilesMerged: j.profilesMerged,
    suggestionsFiled: j.suggestionsFiled,
    runs: j.runs,
    createdAt: time(j.createdAt),
    createdBy: j.createdBy ?? '',
    updatedAt: time(j.updatedAt),
    finishedAt: time(j.finishedAt),
    error: j.error ?? '',
    report: j.report,
  };
}

function configToProto(c: MatchSettingsView): customerIdentityV1.MatchConfig {
  return {
    site: c.site,
    overrideJson: JSON.stringify(c.override),
    effectiveJson: JSON.stringify(c.effective),
    version: c.version,
    updatedAt: time(c.updatedAt),
    updatedBy: c.updatedBy ?? '',
    termFrequenciesAt: time(c.termFrequenciesAt),
  };
}
