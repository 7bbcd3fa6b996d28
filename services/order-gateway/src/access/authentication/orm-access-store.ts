import type { MikroORM } from '@mikro-orm/postgresql';
import { uuidSchema } from '@openretail/contracts';
import { verifyApiKeySecret } from '../api-keys/api-key-secret';
import { ApiKey } from '../api-keys/api-key.entity';
import { User } from '../users/user.entity';
import type { AccessStore, StoredKey, StoredUser } from './authenticator';

/** Authentication's reads and the last-used write, on the gateway's database. */
export class OrmAccessStore implements AccessStore {
  constructor(private readonly orm: MikroORM) {}

  async findKey(prefix: string, secret: string): Promise<StoredKey | undefined> {
    const em = this.orm.em.fork();
    // Prefixes may repeat; the hash decides, compared in constant time.
    const candidates = await em.find(ApiKey, { prefix }, { populate: ['user'] });
    const key = candidates.find((k) => verifyApiKeySecret(secret, k.hash));
    if (!key) return undefined;
    return {
      id: key.id,
      name: key.name,
      hash: key.hash,
      permissions: key.permissions,
      sites: key.allSites ? 'all' : key.sites,
      user: key.user ? storedUser(key.user) : undefined,
      rateLimit:
        key.rateLimitRps || key.rateLimitBurst
          ? { rps: key.rateLimitRps ?? undefined, burst: key.rateLimitBurst ?? undefined }
          : undefined,
      lastUsedAt: key.lastUsedAt ?? undefined,
      revokedAt: key.revokedAt ?? undefined,
    };
  }

  async findUser(ref: string): Promise<StoredUser | undefined> {
    const where = uuidSchema.safeParse(ref).success ? { id: ref } : { login: ref };
    const user = await this.orm.em.fork().findOne(User, where);
    return user ? storedUser(user) : undefined;
  }

  async touchKey(keyId: string, at: Date, olderThan: Date): Promise<void> {
    await this.orm.em
      .fork()
      .nativeUpdate(
        ApiKey,
        { id: keyId, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: olderThan } }] },
        { lastUsedAt: at },
      );
  }
}

function storedUser(user: User): StoredUser {
  return { id: user.id, login: user.login, groups: user.groups, active: user.active };
}
