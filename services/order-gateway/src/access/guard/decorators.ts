import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Permission } from '../permissions';
import { principalOf } from './request-principal';

export const PUBLIC_ROUTE = 'openretail:access:public';
export const REQUIRED_PERMISSIONS = 'openretail:access:permissions';
export const API_KEY_PARAMETER = 'openretail:access:api-key-parameter';

/** The route (or every route of the controller) needs no API key, e.g. an OpenAPI document. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The route (or every route of the controller) also takes the key from an `apiKey` query or form
 * parameter, as the RetailCRM API does; the headers still work and take precedence.
 */
export const AcceptApiKeyParameter = () => SetMetadata(API_KEY_PARAMETER, true);

/**
 * The key must hold every permission named; on a controller and a route, both lists apply. A route
 * without it is open to any valid key.
 */
export const RequirePermission = (...permissions: [Permission, ...Permission[]]) =>
  SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** The authenticated caller of the request (see Principal). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  principalOf(context.switchToHttp().getRequest()),
);
