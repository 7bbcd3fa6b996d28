import { z } from 'zod';
import {
  parseInput,
  segmentInputSchema,
  segmentUpdateSchema,
  type SegmentFilter,
} from '@openretail/contracts';
import { dateFromTimestamp, type customersV1 } from '@openretail/grpc';
import { list, number } from '../orders/order-requests';

/**
 * The shapes of the segment endpoints' requests and answers. Bodies use the segment schemas of the
 * contracts, so a bad filter is refused here with every field named; the customers service runs
 * the same schemas, and the checks that need its data (sites, codes taken, versions).
 */

export const createSegmentBody = segmentInputSchema;
export const updateSegmentBody = segmentUpdateSchema;
export const parseBody = parseInput;

export const listSegmentsQuery = z.strictObject({
  site: list,
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const segmentMembersQuery = z.strictObject({
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export interface SegmentJson {
  id: string;
  code: string;
  name: string;
  /** Absent: every site. */
  site?: string;
  filter: SegmentFilter;
  version: number;
  createdAt: string;
  updatedAt: string;
  membership: {
    state: 'computing' | 'current';
    /** While computing: customers evaluated so far. */
    evaluated?: number;
    /** GET of one segment: the members the key may see. */
    members?: number;
  };
}

export interface SegmentMemberJson {
  customerId: string;
  site: string;
  enteredAt: string;
}

export interface CustomerSegmentJson {
  segmentId: string;
  code: string;
  name: string;
  enteredAt: string;
}

const iso = (t: customersV1.Segment__Output['createdAt'], field: string) =>
  dateFromTimestamp(t, field).toISOString();

export function segmentJson(s: customersV1.Segment__Output): SegmentJson {
  const m = s.membership;
  const computing = m?.state === 'COMPUTING';
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    ...(s.site ? { site: s.site } : {}),
    filter: JSON.parse(s.filterJson) as SegmentFilter,
    version: Number(s.version),
    createdAt: iso(s.createdAt, 'createdAt'),
    updatedAt: iso(s.updatedAt, 'updatedAt'),
    membership: {
      state: computing ? 'computing' : 'current',
      ...(computing ? { evaluated: Number(m?.evaluated ?? 0) } : {}),
      ...(m?.members !== undefined && m.members !== null ? { members: Number(m.members) } : {}),
    },
  };
}

export function memberJson(m: customersV1.SegmentMember__Output): SegmentMemberJson {
  return { customerId: m.customerId, site: m.site, enteredAt: iso(m.enteredAt, 'enteredAt') };
}

export function customerSegmentJson(s: customersV1.CustomerSegment__Output): CustomerSegmentJson {
  return { segmentId: s.segmentId, code: s.code, name: s.name, enteredAt: iso(s.enteredAt, 'enteredAt') };
}
