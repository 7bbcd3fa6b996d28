import { z } from 'zod';
import { segmentFilterSchema } from '@openretail/contracts';
import type { Permission } from '../access';
import {
  createSegmentBody,
  listSegmentsQuery,
  segmentMembersQuery,
  updateSegmentBody,
  type CustomerSegmentJson,
  type SegmentJson,
  type SegmentMemberJson,
} from '../segments/segment-requests';
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

/** The segment parts of the OpenAPI document (see openapi-document.ts). */

const PAGE = {
  pageToken: 'The nextPageToken of the previous page.',
};

/** The request bodies, generated from the schemas the gateway validates with. */
export function segmentRequestSchemas(): Record<string, Schema> {
  const registry = z.registry<{ id: string; description?: string }>();
  registry.add(segmentFilterSchema, {
    id: 'SegmentFilter',
    description:
      'Every condition given must hold; {} takes every customer of the site(s). Amounts are integer minor ' +
      'units of the currency named; ordersCount, totalSpent, averageCheck and the last order count only ' +
      'orders that were not cancelled; from and to are UTC days; withinDays and notWithinDays are counted ' +
      'in 24-hour days back from now.',
  });
  registry.add(createSegmentBody, { id: 'SegmentInput' });
  registry.add(updateSegmentBody, { id: 'SegmentPatch' });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return mapValues(schemas as Record<string, Schema>, ({ $schema: _dialect, $id: _id, ...schema }) => schema);
}

/** What the segment routes answer with, written against the response types. */
export function segmentResponseSchemas(): Record<string, Schema> {
  return {
    Segment: object<SegmentJson>(
      {
        id: string(),
        code: string('Unique; never changes.'),
        name: string(),
        site: string('The site whose customers it takes; absent for every site. Never changes.'),
        filter: ref('SegmentFilter'),
        version: { type: 'integer', description: 'Goes up with every change; send it as If-Match.' },
        createdAt: dateTime(),
        updatedAt: dateTime(),
        membership: object<SegmentJson['membership']>(
          {
            state: {
              type: 'string',
              enum: ['computing', 'current'],
              description:
                'computing: after a save, the membership over the existing customers is being computed; ' +
                'current: complete, and kept current as customers and their orders change.',
            },
            evaluated: { type: 'integer', description: 'While computing: customers evaluated so far.' },
            members: { type: 'integer', description: 'GET of one segment: the members the key may see.' },
          },
          ['state'],
        ),
      },
      ['id', 'code', 'name', 'filter', 'version', 'createdAt', 'updatedAt', 'membership'],
    ),
    SegmentPage: object<{ segments: unknown; nextPageToken: unknown }>(
      { segments: arrayOf(ref('Segment')), nextPageToken: string('Absent on the last page.') },
      ['segments'],
    ),
    SegmentMemberPage: object<{ members: unknown; nextPageToken: unknown }>(
      {
        members: arrayOf(
          object<SegmentMemberJson>({ customerId: string(), site: string(), enteredAt: dateTime() }, [
            'customerId',
            'site',
            'enteredAt',
          ]),
        ),
        nextPageToken: string('Absent on the last page.'),
      },
      ['members'],
    ),
    CustomerSegments: object<{ segments: unknown }>(
      {
        segments: arrayOf(
          object<CustomerSegmentJson>(
            { segmentId: string(), code: string(), name: string(), enteredAt: dateTime() },
            ['segmentId', 'code', 'name', 'enteredAt'],
          ),
        ),
      },
      ['segments'],
    ),
  };
}

export function segmentPaths(): Record<string, Record<string, Schema>> {
  const read: Permission[] = ['segments:read'];
  const write: Permission[] = ['segments:write'];
  const code = pathParam('code', 'The segment code.');
  const segment = ref('Segment');
  return {
    '/v1/segments': {
      post: operation({
        operationId: 'createSegment',
        tag: 'segments',
        summary: 'Create a segment',
        description:
          'A dynamic segment defined by its filter. Its membership over the existing customers is computed in ' +
          'the background (membership.state computing, then current); from then on customers enter and leave ' +
          'as they, their orders and time change, each change published as segment.entered or segment.left. ' +
          'A segment of every site needs a key for every site.',
        permissions: write,
        body: ref('SegmentInput'),
        status: 201,
        response: segment,
        responseDescription: 'Created',
        errors: [409, 503],
      }),
      get: operation({
        operationId: 'listSegments',
        tag: 'segments',
        summary: 'List segments',
        description: "Oldest first: the key's sites' segments and those of every site.",
        permissions: read,
        parameters: query(listSegmentsQuery, {
          site: `Only these sites' segments (and those of every site). ${LIST}`,
          pageSize: 'At most this many (default 50, at most 200).',
          ...PAGE,
        }),
        response: ref('SegmentPage'),
        errors: [503],
      }),
    },
    '/v1/segments/{code}': {
      get: operation({
        operationId: 'getSegment',
        tag: 'segments',
        summary: 'Get a segment',
        permissions: read,
        parameters: [code],
        response: segment,
        errors: [404, 503],
      }),
      patch: operation({
        operationId: 'updateSegment',
        tag: 'segments',
        summary: 'Rename a segment or replace its filter',
        description: 'A new filter recomputes the membership (membership.state computing until done).',
        permissions: write,
        parameters: [code, param('IfMatch')],
        body: ref('SegmentPatch'),
        response: segment,
        errors: [404, 409, 503],
      }),
    },
    '/v1/segments/{code}/members': {
      get: operation({
        operationId: 'listSegmentMembers',
        tag: 'segments',
        summary: "A segment's members",
        description: "In the order they entered; only customers of the key's sites.",
        permissions: read,
        parameters: [
          code,
          ...query(segmentMembersQuery, {
            pageSize: 'At most this many (default 100, at most 1000).',
            ...PAGE,
          }),
        ],
        response: ref('SegmentMemberPage'),
        errors: [404, 503],
      }),
    },
    '/v1/customers/{id}/segments': {
      get: operation({
        operationId: 'getCustomerSegments',
        tag: 'segments',
        summary: 'The segments a customer is in',
        permissions: read,
        parameters: [pathParam('id', 'The customer id.')],
        response: ref('CustomerSegments'),
        errors: [404, 503],
      }),
    },
  };
}
