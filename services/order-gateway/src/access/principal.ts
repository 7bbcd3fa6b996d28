import { PermissionDeniedError } from '@openretail/contracts';
import type { Permission } from './permissions';

/** The user a request acts as: the orders service checks the status matrix and validations against its groups. */
export interface ActingUser {
  id: string;
  login: string;
  /** User-group codes of the reference data. */
  groups: string[];
}

/** Who is calling: the authenticated API key, what it may do, and the user it acts as, if any. */
export interface Principal {
  keyId: string;
  keyName: string;
  permissions: ReadonlySet<Permission>;
  /** The sites whose orders the key may read and write. */
  sites: 'all' | readonly string[];
  user?: ActingUser;
}

export function canAccessSite(principal: Principal, site: string): boolean {
  return principal.sites === 'all' || principal.sites.includes(site);
}

/** Throws PermissionDeniedError naming the site when the key is not scoped to it. */
export function assertSiteAccess(principal: Principal, site: string): void {
  if (!canAccessSite(principal, site)) {
    throw new PermissionDeniedError(`API key '${principal.keyName}' has no access to site '${site}'`);
  }
}

/** Throws PermissionDeniedError naming the first permission the key lacks. */
export function assertPermissions(principal: Principal, required: readonly Permission[]): void {
  const missing = required.find((p) => !principal.permissions.has(p));
  if (missing) {
    throw new PermissionDeniedError(`API key '${principal.keyName}' lacks the permission '${missing}'`);
  }
}

/**
 * Throws PermissionDeniedError unless the principal holds every permission and site it would grant:
 * whoever manages keys can hand out no more than they have.
 */
export function assertMayGrant(
  principal: Principal,
  grant: { permissions: readonly Permission[]; sites: 'all' | readonly string[] },
): void {
  assertPermissions(principal, grant.permissions);
  if (grant.sites === 'all') {
    if (principal.sites !== 'all') {
      throw new PermissionDeniedError(
        `API key '${principal.keyName}' is limited to some sites and cannot grant access to all sites`,
      );
    }
    return;
  }
  for (const site of grant.sites) assertSiteAccess(principal, site);
}
