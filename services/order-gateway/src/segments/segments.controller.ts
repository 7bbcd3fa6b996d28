import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, RequirePermission, type Principal } from '../access';
import { parseId } from '../access/http-input';
import { callerOf } from '../orders/caller';
import { header, ifMatchHeader, parse } from '../orders/order-requests';
import {
  createSegmentBody,
  customerSegmentJson,
  listSegmentsQuery,
  memberJson,
  parseBody,
  segmentJson,
  segmentMembersQuery,
  updateSegmentBody,
} from './segment-requests';
import { SEGMENTS_CLIENT, type SegmentsClient } from './segments-client';

/**
 * Dynamic customer segments. The customers service validates and scopes every call by the key's
 * sites; this controller checks the body's shape early and translates HTTP to gRPC.
 */
@Controller('v1')
export class SegmentsController {
  constructor(@Inject(SEGMENTS_CLIENT) private readonly segments: SegmentsClient) {}

  /** Saves a segment; its membership over the existing customers is computed in the background. */
  @Post('segments')
  @HttpCode(201)
  @RequirePermission('segments:write')
  async create(@Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const { code, name, site, filter } = parseBody(createSegmentBody, raw);
    return segmentJson(
      await this.segments.call('CreateSegment', {
        caller: callerOf(principal),
        segment: { code, name, site: site ?? '', filterJson: JSON.stringify(filter) },
      }),
    );
  }

  @Get('segments')
  @RequirePermission('segments:read')
  async list(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(listSegmentsQuery, raw);
    const res = await this.segments.call('ListSegments', {
      caller: callerOf(principal),
      sites: q.site ?? [],
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return {
      segments: res.segments.map(segmentJson),
      ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
    };
  }

  @Get('segments/:code')
  @RequirePermission('segments:read')
  async get(@Param('code') code: string, @CurrentPrincipal() principal: Principal) {
    return segmentJson(await this.segments.call('GetSegment', { caller: callerOf(principal), code }));
  }

  /** Renames the segment or replaces its filter (whole); If-Match refuses a stale edit with 409. */
  @Patch('segments/:code')
  @RequirePermission('segments:write')
  async update(
    @Param('code') code: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const change = parseBody(updateSegmentBody, raw);
    return segmentJson(
      await this.segments.call('UpdateSegment', {
        caller: callerOf(principal),
        code,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.filter !== undefined ? { filterJson: JSON.stringify(change.filter) } : {}),
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }

  /** The members the key may see, in the order they entered. */
  @Get('segments/:code/members')
  @RequirePermission('segments:read')
  async members(
    @Param('code') code: string,
    @Query() raw: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const q = parse(segmentMembersQuery, raw);
    const res = await this.segments.call('ListSegmentMembers', {
      caller: callerOf(principal),
      code,
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return {
      members: res.members.map(memberJson),
      ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
    };
  }

  /** The segments a customer is in. */
  @Get('customers/:id/segments')
  @RequirePermission('segments:read')
  async customerSegments(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const res = await this.segments.call('GetCustomerSegments', {
      caller: callerOf(principal),
      customerId: parseId(id),
    });
    return { segments: res.segments.map(customerSegmentJson) };
  }
}
