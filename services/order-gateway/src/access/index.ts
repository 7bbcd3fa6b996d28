/**
 * What controllers use from access control (AccessModule itself is imported by the app module):
 *   @RequirePermission('orders:write')                  on a route or controller (403 without it)
 *   @CurrentPrincipal() principal: Principal            the caller: key, permissions, sites, user
 *   assertSiteAccess(principal, site) / canAccessSite   scope reads and writes to the key's sites
 *   @Public()                                           a route that needs no key
 */
export { PERMISSIONS, isPermission, type Permission } from './permissions';
export {
  assertPermissions,
  assertSiteAccess,
  canAccessSite,
  type ActingUser,
  type Principal,
} from './principal';
export { AcceptApiKeyParameter, CurrentPrincipal, Public, RequirePermission } from './guard/decorators';
