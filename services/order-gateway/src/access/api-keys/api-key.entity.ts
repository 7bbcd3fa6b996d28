import { ArrayType, Entity, type Opt, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '@openretail/contracts';
import type { Permission } from '../permissions';
import { User } from '../users/user.entity';

/** An API key: its secret is never stored, only its SHA-256 and a prefix to find and show it by. */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  name!: string;

  /** The first characters of the secret (`ork_` and 8 more): shown to humans, and how a key is looked up. */
  @Index({ name: 'api_keys_prefix_idx' })
  @Property({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the secret, hex. */
  @Property({ type: 'text', unique: true })
  hash!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  permissions: Permission[] = [];

  /** True: every site, present and future; `sites` is then empty. */
  @Property({ type: 'boolean' })
  allSites: boolean = false;

  @Property({ type: ArrayType, columnType: 'text[]' })
  sites: string[] = [];

  /** A key bound to a user always acts as that user. */
  @ManyToOne({ entity: () => User, nullable: true, deleteRule: 'restrict' })
  user?: User | null;

  /** Overrides of the gateway's default rate limit for this key. */
  @Property({ type: 'integer', nullable: true })
  rateLimitRps?: number | null;

  @Property({ type: 'integer', nullable: true })
  rateLimitBurst?: number | null;

  @Property({ type: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  /** Updated at most once a minute, after the request: a hint for finding unused keys, not an audit log. */
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date | null;
}
