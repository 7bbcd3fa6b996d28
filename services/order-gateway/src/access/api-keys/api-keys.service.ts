import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { NotFoundError, ValidationError, newId, type FieldViolation } from '@openretail/contracts';
import { Authenticator } from '../authentication/authenticator';
import { page, type ListQuery, type Page } from '../http-input';
import { PERMISSIONS, type Permission } from '../permissions';
import { assertMayGrant, type Principal } from '../principal';
import { ReferenceCodes, unknownCodes } from '../reference-codes';
import { User } from '../users/user.entity';
import { apiKeyDisplayPrefix, generateApiKeySecret, hashApiKeySecret } from './api-key-secret';
import { ApiKey } from './api-key.entity';
import type { CreateApiKeyBody } from './api-key.schema';

/** The name of the key GATEWAY_BOOTSTRAP_ADMIN_KEY makes; reserved for it. */
export const BOOTSTRAP_KEY_NAME = 'bootstrap-admin';

export interface ApiKeyView {
  id: string;
  name: string;
  /** The beginning of the secret, to recognise the key by. */
  prefix: string;
  permissions: Permission[];
  sites: 'all' | string[];
  userId: string | null;
  rateLimit: { rps?: number; burst?: number } | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  const rateLimit = {
    ...(key.rateLimitRps ? { rps: key.rateLimitRps } : {}),
    ...(key.rateLimitBurst ? { burst: key.rateLimitBurst } : {}),
  };
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: key.permissions,
    sites: key.allSites ? 'all' : key.sites,
    userId: key.user?.id ?? null,
    rateLimit: Object.keys(rateLimit).length ? rateLimit : null,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt ?? null,
    revokedAt: key.revokedAt ?? null,
  };
}

/** API keys: created with a random secret shown once, listed, revoked. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly orm: MikroORM,
    private readonly codes: ReferenceCodes,
    private readonly authenticator: Authenticator,
  ) {}

  /** A new key and its secret: the only time the secret is available. */
  async create(principal: Principal, body: CreateApiKeyBody): Promise<ApiKeyView & { secret: string }> {
    assertMayGrant(principal, body);
    const em = this.orm.em.fork();
    const violations: FieldViolation[] = [];
    if (body.name === BOOTSTRAP_KEY_NAME) {
      violations.push({ field: 'name', reason: `'${BOOTSTRAP_KEY_NAME}' is reserved for the bootstrap key` });
    }
    if (body.sites !== 'all')
      violations.push(...unknownCodes(body.sites, await this.codes.load(), 'sites', 'sites'));
    const user = body.userId ? await em.findOne(User, { id: body.userId }) : undefined;
    if (body.userId && !user?.active) {
      violations.push({ field: 'userId', reason: `no active user ${body.userId}` });
    }
    if (violations.length) throw new ValidationError(violations);

    const secret = generateApiKeySecret();
    const key = em.create(ApiKey, {
      name: body.name,
      prefix: apiKeyDisplayPrefix(secret),
      hash: hashApiKeySecret(secret),
      permissions: body.permissions,
      allSites: body.sites === 'all',
      sites: body.sites === 'all' ? [] : body.sites,
      user: user ?? null,
      rateLimitRps: body.rateLimit?.rps ?? null,
      rateLimitBurst: body.rateLimit?.burst ?? null,
    });
    await em.flush();
    return { ...toApiKeyView(key), secret };
  }

  async list(query: ListQuery): Promise<Page<ApiKeyView>> {
    const keys = await this.orm.em.fork().find(ApiKey, query.after ? { id: { $gt: query.after } } : {}, {
      orderBy: { id: 'asc' },
      limit: query.limit,
    });
    return page(keys.map(toApiKeyView), query.limit);
  }

  async get(id: string): Promise<ApiKeyView> {
    return toApiKeyView(await this.find(this.orm.em.fork(), id));
  }

  /**
   * Revokes the key (a repeat changes nothing). It stops working on this replica at once and on the
   * others when their cache entry expires (GATEWAY_KEY_CACHE_TTL_MS).
   */
  async revoke(principal: Principal, id: string): Promise<ApiKeyView> {
    const em = this.orm.em.fork();
    const key = await this.find(em, id);
    assertMayGrant(principal, { permissions: key.permissions, sites: key.allSites ? 'all' : key.sites });
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await em.flush();
    }
    this.authenticator.forget();
    return toApiKeyView(key);
  }

  /**
   * Makes the key with this secret the bootstrap admin: every permission, every site, not revoked.
   * Keys of an earlier bootstrap secret are revoked, so changing the variable rotates the key.
   * Safe when several replicas start at once (upsert on the hash).
   */
  async ensureBootstrapKey(secret: string): Promise<void> {
    const hash = hashApiKeySecret(secret);
    await this.orm.em.fork().transactional(async (em) => {
      await em.nativeUpdate(
        ApiKey,
        { name: BOOTSTRAP_KEY_NAME, hash: { $ne: hash }, revokedAt: null },
        { revokedAt: new Date() },
      );
      await em.upsert(
        ApiKey,
        {
          id: newId(),
          name: BOOTSTRAP_KEY_NAME,
          prefix: apiKeyDisplayPrefix(secret),
          hash,
          permissions: [...PERMISSIONS],
          allSites: true,
          sites: [],
          user: null,
          rateLimitRps: null,
          rateLimitBurst: null,
          createdAt: new Date(),
          revokedAt: null,
        },
        {
          onConflictFields: ['hash'],
          onConflictAction: 'merge',
          onConflictMergeFields: ['name', 'permissions', 'allSites', 'sites', 'user', 'revokedAt'],
        },
      );
    });
    this.authenticator.forget();
  }

  private async find(em: EntityManager, id: string): Promise<ApiKey> {
    const key = await em.findOne(ApiKey, { id });
    if (!key) throw new NotFoundError(`API key ${id} not found`);
    return key;
  }
}
