import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal } from './guard/decorators';
import type { Principal } from './principal';

/** GET /v1/me: what the presented key may do and whom it acts as; any valid key may ask. */
@Controller('v1/me')
export class MeController {
  @Get()
  me(@CurrentPrincipal() principal: Principal) {
    return {
      keyId: principal.keyId,
      keyName: principal.keyName,
      permissions: [...principal.permissions],
      sites: principal.sites,
      user: principal.user ?? null,
    };
  }
}
