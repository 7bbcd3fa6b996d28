import { z } from 'zod';
import type { customerIdentityV1 } from '@openretail/grpc';
import type { Permission } from '../access';
import {
  acceptSuggestionBody,
  findOrCreateBody,
  listDedupJobsQuery,
  listSuggestionsQuery,
  mergeBody,
  startDedupJobBody,
} from '../customer-identity/identity-requests';
import {
  LIST,
  arrayOf,
  dateTime,
  mapValues,
  object,
  operation,
  param,
  pathParam,
  query,
  ref,
  string,
  type Schema,
} from './openapi-parts';

/** The identity resolution parts of the OpenAPI document (see openapi-document.ts). */

type Json<F extends (...args: never[]) => unknown> = ReturnType<F>;
type SuggestionJson = Json<typeof customerIdentityV1.suggestionFromProto>;
type MergeJson = Json<typeof customerIdentityV1.mergeFromProto>;
type DedupJobJson = Json<typeof customerIdentityV1.dedupJobFromProto>;
type ExplanationJson = Json<typeof customerIdentityV1.explanationFromProto>;
type FindOrCreateJson = Json<typeof customerIdentityV1.findOrCreateFromProto>;
type MatchConfigJson = Json<typeof customerIdentityV1.matchConfigFromProto>;

/** The request bodies, generated from the schemas the gateway validates with. */
export function identityRequestSchemas(): Record<string, Schema> {
  const registry = z.registry<{ id: string; description?: string }>();
  registry.add(findOrCreateBody, {
    id: 'ContactInput',
    description: 'A contact, in the fields of a customer.',
  });
  registry.add(acceptSuggestionBody, { id: 'AcceptSuggestionInput' });
  registry.add(mergeBody, {
    id: 'MergeInput',
    description: 'Every profile of the merge, the survivor included; the survivor defaults to the oldest.',
  });
  registry.add(startDedupJobBody, { id: 'DedupJobInput' });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return mapValues(schemas as Record<string, Schema>, ({ $schema: _dialect, $id: _id, ...schema }) => schema);
}

/** What the identity routes answer with, written against the response types. */
export function identityResponseSchemas(): Record<string, Schema> {
  const contribution = object<customerIdentityV1.FieldContributionJson>(
    {
      field: string('firstName, lastName, patronymic, sex, phone, email, birthday, city, address, …'),
      level: string(
        'How the values agree: exact, alias, fuzzy-high, fuzzy-low, initial, one-edit, same-building, street, ' +
          'close, different; missing when one side has none (it weighs nothing).',
      ),
      weight: {
        type: 'number',
        description: 'log2(m/u) of the level after adjustments (common names, shared phones).',
      },
      a: string('The normalised value of the first record.'),
      b: string('The normalised value of the second.'),
      similarity: { type: 'number', description: 'Jaro-Winkler similarity, for fuzzy levels.' },
      note: string('Why the weight differs from the configured one, or how the values were paired.'),
    },
    ['field', 'level', 'weight'],
  );
  const decision = { type: 'string', enum: ['auto-merge', 'suggest', 'distinct'] };
  const score = object<customerIdentityV1.MatchScoreJson>(
    {
      customerId: string('The candidate profile.'),
      weight: { type: 'number', description: 'log2 of the odds that both are one customer, prior included.' },
      probability: { type: 'number' },
      decision: { ...decision, description: "By the site's thresholds." },
      contradictions: {
        ...arrayOf(string()),
        description: 'Fields that disagree outright: no automatic merge.',
      },
      contributions: arrayOf(ref('FieldContribution')),
    },
    ['customerId', 'weight', 'probability', 'decision', 'contradictions', 'contributions'],
  );
  const id = string();
  const count = { type: 'integer' };
  const done = (what: string) =>
    object<{ done: number; total: number }>({ done: count, total: count }, ['done', 'total'], what);
  return {
    FieldContribution: contribution,
    MatchScore: score,
    FindOrCreateResult: object<FindOrCreateJson>(
      {
        customer: ref('Customer'),
        decision: {
          type: 'string',
          enum: ['matched', 'created'],
          description:
            'matched: an existing profile, with the new phones and emails added; created: a new one.',
        },
        best: { ...ref('MatchScore'), description: 'The best candidate, when there was one.' },
        suggestionIds: { ...arrayOf(id), description: 'Possible duplicates filed for a manager.' },
      },
      ['customer', 'decision', 'suggestionIds'],
    ),
    OrderCustomerLink: object<ExplanationJson>(
      {
        orderId: id,
        site: string(),
        customerId: string('The profile the order belongs to now (merges move it).'),
        decision: {
          type: 'string',
          enum: ['named', 'matched', 'created'],
          description: 'named: the order named its customer; matched or created by identity resolution.',
        },
        best: { ...ref('MatchScore'), description: 'The best candidate when the order was linked.' },
        suggestionIds: arrayOf(id),
        linkedAt: dateTime(),
        updatedAt: dateTime(),
      },
      ['orderId', 'site', 'customerId', 'decision', 'suggestionIds', 'linkedAt', 'updatedAt'],
    ),
    Suggestion: object<SuggestionJson>(
      {
        id,
        site: string(),
        customerIds: { ...arrayOf(id), description: 'The pair; contributions are seen from the first.' },
        weight: { type: 'number' },
        probability: { type: 'number' },
        contributions: arrayOf(ref('FieldContribution')),
        contradictions: arrayOf(string()),
        status: { type: 'string', enum: ['open', 'accepted', 'rejected'] },
        origin: { type: 'string', enum: ['ingestion', 'batch'] },
        orderId: string('The order whose contact raised it.'),
        jobId: string('The deduplication job that raised it.'),
        createdAt: dateTime(),
        updatedAt: dateTime(),
        decidedBy: string('The user who accepted or rejected it.'),
        decidedAt: dateTime(),
        mergeId: string('The merge that accepting it made.'),
      },
      [
        'id',
        'site',
        'customerIds',
        'weight',
        'probability',
        'contributions',
        'contradictions',
        'status',
        'origin',
      ],
    ),
    SuggestionList: {
      type: 'object',
      properties: {
        suggestions: arrayOf(ref('Suggestion')),
        nextPageToken: string('Present when there are more: pass it as pageToken for the next page.'),
      },
      required: ['suggestions'],
    },
    Merge: object<MergeJson>(
      {
        id,
        site: string(),
        survivorId: id,
        mergedIds: arrayOf(id),
        origin: { type: 'string', enum: ['manual', 'suggestion', 'batch'] },
        suggestionId: id,
        jobId: id,
        changedFields: { ...arrayOf(string()), description: 'What changed on the survivor (history paths).' },
        orderIds: { ...arrayOf(id), description: 'Orders moved to the survivor.' },
        createdAt: dateTime(),
        createdBy: string(),
        source: string(),
        undoneAt: dateTime(),
        undoneBy: string(),
        undoable: {
          type: 'boolean',
          description:
            'A merge can be undone while the survivor is as it left it and no later merge involves its profiles.',
        },
        notUndoableReason: string(),
        survivor: { ...ref('Customer'), description: 'The survivor as it is now.' },
      },
      [
        'id',
        'site',
        'survivorId',
        'mergedIds',
        'origin',
        'changedFields',
        'orderIds',
        'createdAt',
        'source',
        'undoable',
      ],
    ),
    DedupJob: object<DedupJobJson>(
      {
        id,
        site: string(),
        status: { type: 'string', enum: ['running', 'completed', 'failed', 'cancelled'] },
        phase: { type: 'string', enum: ['loading', 'scanning', 'merging', 'suggesting', 'done'] },
        autoMerge: { type: 'boolean' },
        progress: object<NonNullable<DedupJobJson['progress']>>(
          {
            records: done('Profiles scanned.'),
            clusters: done('Clusters of duplicates merged.'),
            suggestions: done('Pairs filed as suggestions.'),
            rate: { type: 'number', description: 'Items per second in the current phase.' },
            etaSeconds: {
              type: 'number',
              description: 'Seconds the current phase still needs at that rate.',
            },
          },
          ['records', 'clusters', 'suggestions', 'rate'],
        ),
        pairsScored: count,
        autoMergePairs: count,
        suggestPairs: count,
        merges: count,
        profilesMerged: count,
        suggestionsFiled: count,
        runs: { type: 'integer', description: '1, and one more each time the job was resumed after a stop.' },
        createdAt: dateTime(),
        createdBy: string(),
        updatedAt: dateTime(),
        finishedAt: dateTime(),
        error: string(),
        report: object<NonNullable<DedupJobJson['report']>>(
          {
            records: count,
            pairsScored: count,
            autoMergePairs: count,
            suggestPairs: count,
            clusters: count,
            merges: count,
            profilesMerged: count,
            clustersSkipped: { ...count, description: 'Not merged: a manager had rejected a pair inside.' },
            suggestionsFiled: count,
            oversizedBlocks: {
              ...count,
              description: 'Blocking keys held by more profiles than maxBlockSize.',
            },
            seconds: { type: 'number' },
          },
          [
            'records',
            'pairsScored',
            'autoMergePairs',
            'suggestPairs',
            'clusters',
            'merges',
            'profilesMerged',
            'clustersSkipped',
            'suggestionsFiled',
            'oversizedBlocks',
            'seconds',
          ],
          'What the job did, once it is completed.',
        ),
      },
      ['id', 'site', 'status', 'phase', 'autoMerge', 'progress', 'runs', 'createdAt', 'updatedAt'],
    ),
    DedupJobList: {
      type: 'object',
      properties: { jobs: { ...arrayOf(ref('DedupJob')), description: 'Newest first, the last 20.' } },
      required: ['jobs'],
    },
    MatchConfig: object<MatchConfigJson>(
      {
        site: string(),
        override: {
          type: 'object',
          description:
            'What the site changed of the defaults: any part of the configuration (thresholds.autoMerge, ' +
            'fields.phone.exact.u, blocking.maxBlockSize, …).',
        },
        effective: {
          type: 'object',
          description:
            'The configuration in force: thresholds (log2 odds), priorMatchProbability, similarity, the m and u ' +
            'probabilities of each field level, contradictions, termFrequency, sharedPhone, blocking.',
        },
        version: { type: 'integer', description: '0 while the site uses the defaults; send it as If-Match.' },
        updatedAt: dateTime(),
        updatedBy: string(),
        termFrequenciesAt: dateTime('When the name frequencies of the base were last counted (by a job).'),
      },
      ['site', 'override', 'effective', 'version'],
    ),
  };
}

export function identityPaths(): Record<string, Record<string, Schema>> {
  const read: Permission[] = ['customers:read'];
  const merge: Permission[] = ['customers:merge'];
  const suggestionId = pathParam('id', 'The suggestion id.');
  const mergeId = pathParam('id', 'The merge id.');
  const jobId = pathParam('id', 'The deduplication job id.');
  const site = pathParam('site', 'The site code.');
  const tag = 'customer-identity';
  return {
    '/v1/customers/find-or-create': {
      post: operation({
        operationId: 'findOrCreateCustomer',
        tag,
        summary: 'Find the profile of a contact, or make one',
        description:
          "By the rules orders are linked by: candidates sharing a phone, an email or names with the site's " +
          'profiles are scored field by field; at or above the auto-merge threshold the existing profile (with ' +
          'the new phones and emails added), else a new profile, with suggestions for possible duplicates.',
        permissions: ['customers:write'],
        body: ref('ContactInput'),
        response: ref('FindOrCreateResult'),
        errors: [503],
      }),
    },
    '/v1/customers/suggestions': {
      get: operation({
        operationId: 'listSuggestions',
        tag,
        summary: 'List possible duplicates, newest first',
        description: 'Open suggestions about a profile merged since are left out.',
        permissions: read,
        parameters: query(listSuggestionsQuery, {
          site: LIST,
          status: 'open (default), accepted or rejected.',
          customerId: 'Only suggestions about this profile.',
          pageSize: 'At most this many (default 20, at most 100).',
          pageToken: 'The nextPageToken of the previous page.',
        }),
        response: ref('SuggestionList'),
        errors: [503],
      }),
    },
    '/v1/customers/suggestions/{id}': {
      get: operation({
        operationId: 'getSuggestion',
        tag,
        summary: 'Get a suggestion, with the per-field contributions of its score',
        permissions: read,
        parameters: [suggestionId],
        response: ref('Suggestion'),
        errors: [404, 503],
      }),
    },
    '/v1/customers/suggestions/{id}/accept': {
      post: operation({
        operationId: 'acceptSuggestion',
        tag,
        summary: 'Accept a suggestion: merge the pair',
        description: 'Into survivorId, or the older profile. 422 when the suggestion was decided already.',
        permissions: merge,
        parameters: [suggestionId],
        body: ref('AcceptSuggestionInput'),
        response: ref('Merge'),
        errors: [404, 422, 503],
      }),
    },
    '/v1/customers/suggestions/{id}/reject': {
      post: operation({
        operationId: 'rejectSuggestion',
        tag,
        summary: 'Reject a suggestion: the pair is never suggested again, nor merged by a job',
        permissions: merge,
        parameters: [suggestionId],
        response: ref('Suggestion'),
        errors: [404, 422, 503],
      }),
    },
    '/v1/customers/merge': {
      post: operation({
        operationId: 'mergeCustomers',
        tag,
        summary: 'Merge customers into one',
        description:
          "RetailCRM customers/combine: the survivor keeps its values and takes the others' where it has none; " +
          'phones, emails, addresses and tags are united (what exceeds the limits goes to a note), custom ' +
          'fields filled, consent per channel the most recent decision, VIP if any was; notes, orders and ' +
          'contact persons move to the survivor; metrics are recomputed. The merged profiles remain, with ' +
          'mergedInto. 422 when one was merged already.',
        permissions: merge,
        body: ref('MergeInput'),
        status: 201,
        response: ref('Merge'),
        responseDescription: 'Merged',
        errors: [404, 422, 503],
      }),
    },
    '/v1/customers/merges/{id}': {
      get: operation({
        operationId: 'getMerge',
        tag,
        summary: 'Get a merge, and whether it can be undone',
        permissions: read,
        parameters: [mergeId],
        response: ref('Merge'),
        errors: [404, 503],
      }),
    },
    '/v1/customers/merges/{id}/undo': {
      post: operation({
        operationId: 'undoMerge',
        tag,
        summary: 'Undo a merge',
        description:
          'Every profile back as it was before it, its notes, orders and contact persons too. 422 once the ' +
          'survivor changed after the merge, or a later merge involves its profiles (undo that one first).',
        permissions: merge,
        parameters: [mergeId],
        response: ref('Merge'),
        errors: [404, 422, 503],
      }),
    },
    '/v1/customers/dedup-jobs': {
      post: operation({
        operationId: 'startDedupJob',
        tag,
        summary: "Start a deduplication job over a site's customers",
        description:
          'Finds clusters of duplicates across the whole base, merges those above the auto-merge threshold ' +
          '(autoMerge, default true) and files the other pairs as suggestions. It runs in the background, ' +
          'resumes where it stopped after a restart, and shows its progress and, at the end, its report. One ' +
          'running job per site (409).',
        permissions: merge,
        body: ref('DedupJobInput'),
        status: 202,
        response: ref('DedupJob'),
        responseDescription: 'Started',
        errors: [409, 503],
      }),
      get: operation({
        operationId: 'listDedupJobs',
        tag,
        summary: 'List deduplication jobs, newest first',
        permissions: read,
        parameters: query(listDedupJobsQuery, { site: LIST }),
        response: ref('DedupJobList'),
        errors: [503],
      }),
    },
    '/v1/customers/dedup-jobs/{id}': {
      get: operation({
        operationId: 'getDedupJob',
        tag,
        summary: 'Get a deduplication job: its progress (records done, rate, time left) or its report',
        permissions: read,
        parameters: [jobId],
        response: ref('DedupJob'),
        errors: [404, 503],
      }),
    },
    '/v1/customers/dedup-jobs/{id}/cancel': {
      post: operation({
        operationId: 'cancelDedupJob',
        tag,
        summary: 'Cancel a deduplication job at its next checkpoint; what it did stays',
        permissions: merge,
        parameters: [jobId],
        response: ref('DedupJob'),
        errors: [404, 503],
      }),
    },
    '/v1/customers/match-config/{site}': {
      get: operation({
        operationId: 'getMatchConfig',
        tag,
        summary: "Get a site's match configuration",
        permissions: read,
        parameters: [site],
        response: ref('MatchConfig'),
        errors: [503],
      }),
      put: operation({
        operationId: 'setMatchConfig',
        tag,
        summary: "Replace a site's match configuration override",
        description:
          'The body is the override: any part of the configuration, merged key by key over the defaults ' +
          '(arrays replace). Every bad field is named (400).',
        permissions: merge,
        parameters: [site, param('IfMatch')],
        body: { type: 'object', description: 'The override, e.g. {"thresholds": {"autoMerge": 14}}.' },
        response: ref('MatchConfig'),
        errors: [409, 503],
      }),
    },
    '/v1/orders/{id}/customer-link': {
      get: operation({
        operationId: 'getOrderCustomerLink',
        tag,
        summary: 'Which customer profile an order was linked to, and why',
        permissions: ['orders:read', 'customers:read'],
        parameters: [pathParam('id', 'The order id.')],
        response: ref('OrderCustomerLink'),
        errors: [404, 503],
      }),
    },
  };
}
