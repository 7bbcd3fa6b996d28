import { UnauthenticatedError, ValidationError } from '@openretail/contracts';
import { apiKeyDisplayPrefix, hashApiKeySecret, isWellFormedApiKey } from '../api-keys/api-key-secret';
import type { Permission } from '../permissions';
import { assertPermissions, type ActingUser, type Principal } from '../principal';
import type { RateLimit } from '../rate-limit/token-bucket';
import { TtlCache } from './ttl-cache';

export interface StoredUser extends ActingUser {
  active: boolean;
}

export interface StoredKey {
  id: string;
  name: string;
  hash: string;
  permissions: Permission[];
  sites: 'all' | string[];
  /** The user a bound key acts as, as it was when the key was read. */
  user?: StoredUser;
  rateLimit?: Partial<RateLimit>;
  lastUsedAt?: Date;
  revokedAt?: Date;
}

/** What authentication reads; the gateway's database behind it (OrmAccessStore). */
export interface AccessStore {
  /** The key whose prefix and hash match the secret (compared in constant time), if any. */
  findKey(prefix: string, secret: string): Promise<StoredKey | undefined>;
  /** A user by id or login. */
  findUser(ref: string): Promise<StoredUser | undefined>;
}

/** The credentials a request carries: header values as received. */
export interface RequestCredentials {
  apiKey?: string;
  authorization?: string;
}

export interface Authentication {
  principal: Principal;
  rateLimit?: Partial<RateLimit>;
  /** When the key was last recorded as used (for LastUsedRecorder). */
  lastUsedAt?: Date;
}

export interface AuthenticatorOptions {
  /** How long a key or user read from the database is trusted: revocations take effect within it. */
  cacheTtlMs: number;
  cacheMaxEntries?: number;
  now?: () => number;
}

const HOW_TO = 'send it as X-API-Key: <key> or Authorization: Bearer <key>';

/**
 * Turns a request's credentials into a Principal: the key (from X-API-Key or a Bearer token), its
 * permissions and sites, and the user it acts as. Keys and users are cached briefly so the hot path
 * does not query PostgreSQL on every request; `forget()` drops the cache after a local change.
 */
export class Authenticator {
  private readonly keys: TtlCache<string, StoredKey | undefined>;
  private readonly users: TtlCache<string, StoredUser | undefined>;

  constructor(
    private readonly store: AccessStore,
    options: AuthenticatorOptions,
  ) {
    const cache = {
      ttlMs: options.cacheTtlMs,
      maxEntries: options.cacheMaxEntries ?? 10_000,
      now: options.now,
    };
    this.keys = new TtlCache(cache);
    this.users = new TtlCache(cache);
  }

  /** The key's principal; a key bound to a user acts as that user. */
  async authenticate(credentials: RequestCredentials): Promise<Authentication> {
    const secret = presentedSecret(credentials);
    // Cached by hash, not by secret, so the cache holds nothing that works as a key.
    const key = await this.keys.getOrLoad(hashApiKeySecret(secret), () =>
      this.store.findKey(apiKeyDisplayPrefix(secret), secret),
    );
    if (!key) throw new UnauthenticatedError('the API key is not valid');
    if (key.revokedAt) throw new UnauthenticatedError('the API key has been revoked');
    if (key.user && !key.user.active) {
      throw new UnauthenticatedError(`the API key belongs to user '${key.user.login}', who is deactivated`);
    }
    const principal: Principal = {
      keyId: key.id,
      keyName: key.name,
      permissions: new Set(key.permissions),
      sites: key.sites,
      ...(key.user ? { user: actingUser(key.user) } : {}),
    };
    return { principal, rateLimit: key.rateLimit, lastUsedAt: key.lastUsedAt };
  }

  /**
   * The principal acting as the user X-Acting-User names (id or login): the key needs 'act-as-user'
   * (403) and the user must exist and be active (400).
   */
  async actAs(principal: Principal, ref: string): Promise<Principal> {
    assertPermissions(principal, ['act-as-user']);
    // Logins are stored in lower case, and UUIDs compare case-insensitively.
    const normalised = ref.trim().toLowerCase();
    const user = await this.users.getOrLoad(normalised, () => this.store.findUser(normalised));
    if (!user || !user.active) {
      throw ValidationError.field('X-Acting-User', `no active user with id or login '${ref}'`);
    }
    return { ...principal, user: actingUser(user) };
  }

  /** Drops every cached key and user: called after a key is revoked or a user changed here. */
  forget(): void {
    this.keys.clear();
    this.users.clear();
  }
}

function actingUser(user: StoredUser): ActingUser {
  return { id: user.id, login: user.login, groups: [...user.groups] };
}

function presentedSecret(credentials: RequestCredentials): string {
  const fromHeader = credentials.apiKey?.trim() || undefined;
  let fromBearer: string | undefined;
  if (credentials.authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization);
    if (!match) throw new UnauthenticatedError(`the Authorization header must be 'Bearer <key>'`);
    fromBearer = match[1];
  }
  if (fromHeader && fromBearer && fromHeader !== fromBearer) {
    throw new UnauthenticatedError('X-API-Key and Authorization carry different keys: send one');
  }
  const secret = fromHeader ?? fromBearer;
  if (!secret) throw new UnauthenticatedError(`an API key is required: ${HOW_TO}`);
  if (!isWellFormedApiKey(secret)) throw new UnauthenticatedError('the API key is not valid');
  return secret;
}
