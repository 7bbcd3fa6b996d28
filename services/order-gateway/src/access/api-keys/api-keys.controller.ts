import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, RequirePermission } from '../guard/decorators';
import { listQuery, parseId, parseInput } from '../http-input';
import type { Principal } from '../principal';
import { createApiKeyBody } from './api-key.schema';
import { ApiKeysService } from './api-keys.service';

@Controller('v1/api-keys')
@RequirePermission('access:admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** Answers with the key's `secret`, which is never shown again. */
  @Post()
  @HttpCode(201)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.keys.create(principal, parseInput(createApiKeyBody, body));
  }

  @Get()
  list(@Query() query: unknown) {
    return this.keys.list(parseInput(listQuery, query));
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.keys.get(parseId(id));
  }

  /** Revokes the key; it is kept, marked revoked, so its history stays readable. */
  @Delete(':id')
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.keys.revoke(principal, parseId(id));
  }
}
