import { Injectable } from '@nestjs/common';
import { ValidationError } from '@openretail/contracts';
import { customersV1, timestampFromDate, type ServiceImplementation } from '@openretail/grpc';
import { versionOf } from '../profiles/customers.grpc';
import { callerFromProto } from '../shared/caller';
import { SegmentsService, type SegmentView } from './segments.service';

type Implementation = ServiceImplementation<customersV1.SegmentsServiceDefinition>;

/** SegmentsService over gRPC: translation only; SegmentsService validates and decides. */
@Injectable()
export class SegmentsGrpcHandler {
  constructor(private readonly segments: SegmentsService) {}

  implementation(): Implementation {
    return {
      CreateSegment: async (req) => {
        const s = req.segment;
        const input = s && {
          code: s.code,
          name: s.name,
          ...(s.site ? { site: s.site } : {}),
          ...(s.filterJson ? { filter: filterOf(s.filterJson) } : {}),
        };
        return toProto(await this.segments.create(input, callerFromProto(req.caller)));
      },
      UpdateSegment: async (req) =>
        toProto(
          await this.segments.update(
            req.code,
            {
              ...(req.name !== undefined && req.name !== null ? { name: req.name } : {}),
              ...(req.filterJson !== undefined && req.filterJson !== null
                ? { filter: filterOf(req.filterJson) }
                : {}),
            },
            callerFromProto(req.caller),
            versionOf(req.expectedVersion),
          ),
        ),
      GetSegment: async (req) => toProto(await this.segments.get(req.code, callerFromProto(req.caller))),
      ListSegments: async (req) => {
        const { segments, nextPageToken } = await this.segments.list(
          { sites: req.sites, pageSize: req.pageSize, pageToken: req.pageToken || undefined },
          callerFromProto(req.caller),
        );
        return { segments: segments.map(toProto), nextPageToken: nextPageToken ?? '' };
      },
      ListSegmentMembers: async (req) => {
        const { members, nextPageToken } = await this.segments.members(
          req.code,
          { pageSize: req.pageSize, pageToken: req.pageToken || undefined },
          callerFromProto(req.caller),
        );
        return {
          members: members.map((m) => ({
            customerId: m.customerId,
            site: m.site,
            enteredAt: timestampFromDate(m.enteredAt),
          })),
          nextPageToken: nextPageToken ?? '',
        };
      },
      GetCustomerSegments: async (req) => ({
        segments: (await this.segments.customerSegments(req.customerId, callerFromProto(req.caller))).map(
          (s) => ({
            segmentId: s.segmentId,
            code: s.code,
            name: s.name,
            enteredAt: timestampFromDate(s.enteredAt),
          }),
        ),
      }),
    };
  }
}

function filterOf(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw ValidationError.field('filter', 'is not valid JSON');
  }
}

function toProto(view: SegmentView): customersV1.Segment {
  return {
    id: view.id,
    code: view.code,
    name: view.name,
    site: view.site ?? '',
    filterJson: JSON.stringify(view.filter),
    version: view.version,
    createdAt: timestampFromDate(view.createdAt),
    updatedAt: timestampFromDate(view.updatedAt),
    membership: {
      state: view.membership.state === 'current' ? 'CURRENT' : 'COMPUTING',
      evaluated: view.membership.evaluated,
      ...(view.membership.members !== undefined ? { members: view.membership.members } : {}),
    },
  };
}
