import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Authenticator } from '../authentication/authenticator';
import { LastUsedRecorder } from '../authentication/last-used-recorder';
import type { Permission } from '../permissions';
import { assertPermissions } from '../principal';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { RateLimiter } from '../rate-limit/token-bucket';
import { API_KEY_PARAMETER, PUBLIC_ROUTE, REQUIRED_PERMISSIONS } from './decorators';
import { setPrincipal } from './request-principal';

/** Health and metrics come from the observability library: probes and scrapers carry no key. */
function isObservabilityRoute(route: string | undefined): boolean {
  return route === '/metrics' || route?.startsWith('/health/') === true;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** An `apiKey` query or (parsed form) body parameter, for the routes that accept one. */
const apiKeyParameter = (request: FastifyRequest): string | undefined => {
  for (const source of [request.query, request.body]) {
    const value =
      source && typeof source === 'object' ? (source as Record<string, unknown>).apiKey : undefined;
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
};

/**
 * On every route but the public ones: authenticates the API key (401), applies its rate limit
 * (429), resolves X-Acting-User, checks the permissions the route requires (403), and attaches
 * the Principal for @CurrentPrincipal().
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly rateLimiter: RateLimiter,
    private readonly lastUsed: LastUsedRecorder,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (isObservabilityRoute(request.routeOptions.url)) return true;

    const inParameter = this.reflector.getAllAndOverride<boolean>(API_KEY_PARAMETER, targets);
    const authenticated = await this.authenticator.authenticate({
      apiKey: header(request, 'x-api-key') ?? (inParameter ? apiKeyParameter(request) : undefined),
      authorization: header(request, 'authorization'),
    });
    const { rateLimit, lastUsedAt } = authenticated;
    let { principal } = authenticated;
    // Counted before anything else can fail, so a key cannot dodge its limit with bad requests.
    const decision = this.rateLimiter.take(principal.keyId, rateLimit);
    if (!decision.allowed) {
      throw new RateLimitedError(decision.retryAfterS, this.rateLimiter.limitFor(rateLimit));
    }
    this.lastUsed.used(principal.keyId, lastUsedAt);
    const actingUser = header(request, 'x-acting-user')?.trim();
    if (actingUser) principal = await this.authenticator.actAs(principal, actingUser);
    assertPermissions(principal, this.reflector.getAllAndMerge<Permission[]>(REQUIRED_PERMISSIONS, targets));
    setPrincipal(request, principal);
    return true;
  }
}
