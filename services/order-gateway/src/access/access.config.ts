import { env, type ConfigOf } from '@openretail/config';
import { API_KEY_FORMAT_HINT, isWellFormedApiKey } from './api-keys/api-key-secret';

/** The gateway's access and abuse-limit settings; spread into its configuration. */
export const accessConfig = {
  /** When set, a key with this secret, every permission and every site exists (name bootstrap-admin). */
  GATEWAY_BOOTSTRAP_ADMIN_KEY: env
    .string({ optional: true })
    .refine((v) => v === undefined || isWellFormedApiKey(v), API_KEY_FORMAT_HINT),
  /** Default rate limit of every key, per gateway replica; a key may override it. */
  GATEWAY_RATE_LIMIT_RPS: env.int({ min: 1, max: 100_000, default: 100 }),
  GATEWAY_RATE_LIMIT_BURST: env.int({ min: 1, max: 1_000_000, default: 200 }),
  /** How long a replica trusts a key it read: a revocation made elsewhere takes effect within this. */
  GATEWAY_KEY_CACHE_TTL_MS: env.int({ min: 0, max: 300_000, default: 5000 }),
  /** The largest request body accepted; larger ones are refused with 413. */
  GATEWAY_BODY_LIMIT_BYTES: env.int({ min: 1024, max: 64 * 1024 * 1024, default: 1024 * 1024 }),
};
export type AccessConfig = ConfigOf<typeof accessConfig>;
