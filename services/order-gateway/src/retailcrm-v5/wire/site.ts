import { canAccessSite, type Principal } from '../../access';
import { CompatError } from './errors';
import type { ReferenceDocument } from './reference-snapshot';

/**
 * The site a request is about, with RetailCRM's rule: the `site` parameter names it, and may be
 * left out only when the key can reach one site alone (a key for one site, or an all-sites key in
 * an installation with one site). A site the key cannot reach is 403; an unknown one 400.
 */
export function resolveSite(
  principal: Principal,
  requested: string | undefined,
  ref: ReferenceDocument,
): string {
  const known = ref.sites.map((s) => s.code);
  if (requested) {
    if (!known.includes(requested)) throw CompatError.parameter('site', `Site '${requested}' does not exist`);
    if (!canAccessSite(principal, requested)) {
      throw new CompatError(403, 'Access denied.', {
        site: `the API key has no access to site '${requested}'`,
      });
    }
    return requested;
  }
  const reachable = principal.sites === 'all' ? known : known.filter((s) => principal.sites.includes(s));
  if (reachable.length === 1) return reachable[0];
  throw CompatError.missing('site');
}
