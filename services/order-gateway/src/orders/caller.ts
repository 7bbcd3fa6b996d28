import type { ordersV1 } from '@openretail/grpc';
import type { Principal } from '../access';

/**
 * What the orders service is told about who calls: the acting user and its groups (for the status
 * matrix and the validation rules), the key's sites and the permissions the service checks itself,
 * and the key itself, which the history records. A person acting is a manager; a key alone is the API.
 */
export function callerOf(principal: Principal): ordersV1.Caller {
  return {
    userId: principal.user?.id ?? '',
    groups: principal.user?.groups ?? [],
    source: principal.user ? 'manager' : 'api',
    allSites: principal.sites === 'all',
    sites: principal.sites === 'all' ? [] : [...principal.sites],
    permissions: [...principal.permissions],
    apiKeyId: principal.keyId,
  };
}
