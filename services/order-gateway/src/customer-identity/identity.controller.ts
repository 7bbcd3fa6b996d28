import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { customerIdentityV1 } from '@openretail/grpc';
import { CurrentPrincipal, RequirePermission, type Principal } from '../access';
import { callerOf } from '../orders/caller';
import { header, ifMatchHeader, parse } from '../orders/order-requests';
import { IDENTITY_CLIENT, type IdentityClient } from './identity-client';
import {
  acceptSuggestionBody,
  findOrCreateBody,
  listDedupJobsQuery,
  listSuggestionsQuery,
  matchConfigBody,
  mergeBody,
  startDedupJobBody,
} from './identity-requests';

const {
  dedupJobFromProto,
  explanationFromProto,
  findOrCreateFromProto,
  matchConfigFromProto,
  mergeFromProto,
  suggestionFromProto,
} = customerIdentityV1;

/**
 * Identity resolution in the public API: find-or-create, possible duplicates and the managers'
 * decisions on them, merges and their undo, deduplication jobs, a site's match configuration.
 * The customers service applies every rule; this controller translates HTTP to gRPC.
 */
@Controller('v1/customers')
export class CustomerIdentityController {
  constructor(@Inject(IDENTITY_CLIENT) private readonly identity: IdentityClient) {}

  /** The profile of a contact, made when there is none, by the rules orders are linked by. */
  @Post('find-or-create')
  @HttpCode(200)
  @RequirePermission('customers:write')
  async findOrCreate(@Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const contact = parse(findOrCreateBody, raw ?? {});
    return findOrCreateFromProto(
      await this.identity.call('FindOrCreateCustomer', {
        caller: callerOf(principal),
        contact,
      }),
    );
  }

  @Get('suggestions')
  @RequirePermission('customers:read')
  async suggestions(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(listSuggestionsQuery, raw);
    const res = await this.identity.call('ListSuggestions', {
      caller: callerOf(principal),
      sites: q.site,
      status: q.status,
      customerId: q.customerId,
      pageSize: q.pageSize,
      pageToken: q.pageToken,
    });
    return {
      suggestions: res.suggestions.map(suggestionFromProto),
      ...(res.nextPageToken ? { nextPageToken: res.nextPageToken } : {}),
    };
  }

  @Get('suggestions/:id')
  @RequirePermission('customers:read')
  async suggestion(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return suggestionFromProto(
      await this.identity.call('GetSuggestion', { caller: callerOf(principal), id }),
    );
  }

  /** Merges the pair of the suggestion. */
  @Post('suggestions/:id/accept')
  @HttpCode(200)
  @RequirePermission('customers:merge')
  async accept(@Param('id') id: string, @Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const body = parse(acceptSuggestionBody, raw ?? {});
    return mergeFromProto(
      await this.identity.call('AcceptSuggestion', {
        caller: callerOf(principal),
        id,
        survivorId: body.survivorId,
      }),
    );
  }

  /** The pair is never suggested again. */
  @Post('suggestions/:id/reject')
  @HttpCode(200)
  @RequirePermission('customers:merge')
  async reject(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return suggestionFromProto(
      await this.identity.call('RejectSuggestion', { caller: callerOf(principal), id }),
    );
  }

  @Post('merge')
  @HttpCode(201)
  @RequirePermission('customers:merge')
  async merge(@Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const body = parse(mergeBody, raw ?? {});
    return mergeFromProto(
      await this.identity.call('MergeCustomers', {
        caller: callerOf(principal),
        customerIds: body.customerIds,
        survivorId: body.survivorId,
      }),
    );
  }

  @Get('merges/:id')
  @RequirePermission('customers:read')
  async getMerge(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return mergeFromProto(await this.identity.call('GetMerge', { caller: callerOf(principal), id }));
  }

  @Post('merges/:id/undo')
  @HttpCode(200)
  @RequirePermission('customers:merge')
  async undo(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return mergeFromProto(await this.identity.call('UndoMerge', { caller: callerOf(principal), id }));
  }

  /** Starts a job over the site's base; it runs in the background (follow it with GET). */
  @Post('dedup-jobs')
  @HttpCode(202)
  @RequirePermission('customers:merge')
  async startJob(@Body() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const body = parse(startDedupJobBody, raw ?? {});
    return dedupJobFromProto(
      await this.identity.call('StartDedupJob', {
        caller: callerOf(principal),
        site: body.site,
        autoMerge: body.autoMerge,
      }),
    );
  }

  @Get('dedup-jobs')
  @RequirePermission('customers:read')
  async jobs(@Query() raw: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parse(listDedupJobsQuery, raw);
    const res = await this.identity.call('ListDedupJobs', { caller: callerOf(principal), sites: q.site });
    return { jobs: res.jobs.map(dedupJobFromProto) };
  }

  @Get('dedup-jobs/:id')
  @RequirePermission('customers:read')
  async job(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return dedupJobFromProto(await this.identity.call('GetDedupJob', { caller: callerOf(principal), id }));
  }

  @Post('dedup-jobs/:id/cancel')
  @HttpCode(200)
  @RequirePermission('customers:merge')
  async cancelJob(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return dedupJobFromProto(await this.identity.call('CancelDedupJob', { caller: callerOf(principal), id }));
  }

  @Get('match-config/:site')
  @RequirePermission('customers:read')
  async config(@Param('site') site: string, @CurrentPrincipal() principal: Principal) {
    return matchConfigFromProto(
      await this.identity.call('GetMatchConfig', { caller: callerOf(principal), site }),
    );
  }

  /** Replaces the site's override of the defaults; If-Match refuses it when someone saved in between. */
  @Put('match-config/:site')
  @RequirePermission('customers:merge')
  async setConfig(
    @Param('site') site: string,
    @Body() raw: unknown,
    @CurrentPrincipal() principal: Principal,
    @Headers('if-match') ifMatch?: string,
  ) {
    const override = parse(matchConfigBody, raw ?? {});
    return matchConfigFromProto(
      await this.identity.call('SetMatchConfig', {
        caller: callerOf(principal),
        site,
        overrideJson: JSON.stringify(override),
        expectedVersion: header(ifMatchHeader, 'If-Match', ifMatch),
      }),
    );
  }
}

/** Which profile an order was linked to, and why. */
@Controller('v1/orders')
export class OrderCustomerLinkController {
  constructor(@Inject(IDENTITY_CLIENT) private readonly identity: IdentityClient) {}

  @Get(':id/customer-link')
  @RequirePermission('orders:read', 'customers:read')
  async link(@Param('id') orderId: string, @CurrentPrincipal() principal: Principal) {
    return explanationFromProto(
      await this.identity.call('GetMatchExplanation', { caller: callerOf(principal), orderId }),
    );
  }
}
