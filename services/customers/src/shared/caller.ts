import { ORDER_HISTORY_SOURCES, ValidationError, type SYSTEM_SOURCE } from '@openretail/contracts';
import type { customersV1 } from '@openretail/grpc';

/** Callers name one of ORDER_HISTORY_SOURCES; the service's own changes (resolution, merges by a job) are 'system'. */
export type Source = (typeof ORDER_HISTORY_SOURCES)[number] | typeof SYSTEM_SOURCE;

/** Who acts: the acting user and the source history records, plus the site scope of the API key. */
export interface Caller {
  userId?: string;
  source: Source;
  sites: 'all' | readonly string[];
  /** The API key of the call, recorded with its history entries. */
  apiKeyId?: string;
}

export function canAccessSite(caller: Pick<Caller, 'sites'>, site: string): boolean {
  return caller.sites === 'all' || caller.sites.includes(site);
}

/** The caller the gateway vouches for; an empty one may do nothing. */
export function callerFromProto(caller: customersV1.Caller__Output | null | undefined): Caller {
  if (!caller) throw ValidationError.field('caller', 'is required');
  const source = caller.source || 'api';
  if (!(ORDER_HISTORY_SOURCES as readonly string[]).includes(source)) {
    throw ValidationError.field('caller.source', `must be one of ${ORDER_HISTORY_SOURCES.join(', ')}`);
  }
  return {
    ...(caller.userId ? { userId: caller.userId } : {}),
    source: source as Source,
    sites: caller.allSites ? 'all' : caller.sites,
    ...(caller.apiKeyId ? { apiKeyId: caller.apiKeyId } : {}),
  };
}

/** The sites a read covers: those asked for (each must be readable) or every readable one of `known`. */
export function readableSites(
  asked: readonly string[] | undefined,
  caller: Caller,
  known: readonly string[],
) {
  if (asked?.length) {
    const denied = asked.filter((s) => !canAccessSite(caller, s));
    if (denied.length > 0) throw ValidationError.field('sites', `no access to site(s) ${denied.join(', ')}`);
    return [...asked];
  }
  return caller.sites === 'all' ? [...known] : [...caller.sites];
}
