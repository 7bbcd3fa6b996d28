import type { EntityManager, EntityName, FilterQuery } from '@mikro-orm/postgresql';
import { ConflictError } from '@openretail/contracts';
import { canAccessSite, type Caller } from './caller';
import { fingerprintOf } from './requests';

/** What makes two create requests "the same request": the retry key, the external id, the content. */
export interface CreateDraft {
  site: string;
  externalId?: string;
  key?: string;
  fingerprint: string;
}

/** The draft of a create request, read before the request is validated. */
export function draftOf(input: unknown, key: string | undefined): CreateDraft {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const externalId = typeof raw.externalId === 'string' ? raw.externalId.trim() : '';
  return {
    site: typeof raw.site === 'string' ? raw.site : '',
    ...(externalId ? { externalId } : {}),
    ...(key ? { key } : {}),
    fingerprint: fingerprintOf(input),
  };
}

interface Creatable {
  id: string;
  idempotencyKey?: string;
  externalId?: string;
  requestFingerprint?: string;
}

/**
 * The row an earlier attempt of this create request made, if any: a retry with the same key or
 * external id and the same content gets it back. The same key or external id with other content is
 * a conflict.
 */
export async function earlierCreate<T extends Creatable>(
  em: EntityManager,
  entity: EntityName<T>,
  draft: CreateDraft,
  caller: Caller,
  what: string,
): Promise<T | undefined> {
  if (!draft.site || (!draft.key && !draft.externalId) || !canAccessSite(caller, draft.site))
    return undefined;
  const or: Record<string, string>[] = [];
  if (draft.key) or.push({ idempotencyKey: draft.key });
  if (draft.externalId) or.push({ externalId: draft.externalId });
  const rows = await em.find(entity, { site: draft.site, $or: or } as unknown as FilterQuery<T>);
  for (const row of rows) {
    if (row.requestFingerprint === draft.fingerprint) continue;
    throw new ConflictError(
      draft.key && row.idempotencyKey === draft.key
        ? `idempotency key ${draft.key} was already used for a different request`
        : `${what} ${row.id} already has externalId ${draft.externalId} on site ${draft.site}`,
    );
  }
  return rows[0];
}
