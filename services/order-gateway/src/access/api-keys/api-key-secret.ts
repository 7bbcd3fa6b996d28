import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 40 base62 characters: about 238 random bits. */
const RANDOM_LENGTH = 40;
/** `ork_` and the first 8 random characters: enough to tell keys apart in lists and logs. */
const DISPLAY_PREFIX_LENGTH = 12;

/** What an API key looks like: `ork_` and 32 to 64 letters or digits (generated ones have 40). */
export const API_KEY_PATTERN = /^ork_[0-9A-Za-z]{32,64}$/;
export const API_KEY_FORMAT_HINT = 'must be ork_ followed by 32 to 64 letters or digits';

/** A new random key secret, e.g. ork_3bX...; shown to its owner once, stored only hashed. */
export function generateApiKeySecret(): string {
  let out = 'ork_';
  while (out.length < 4 + RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH)) {
      // 248 = 4 × 62: bytes above it are skipped so every character is equally likely.
      if (byte < 248 && out.length < 4 + RANDOM_LENGTH) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function isWellFormedApiKey(secret: string): boolean {
  return API_KEY_PATTERN.test(secret);
}

/**
 * SHA-256 of the secret, hex. A fast hash is right here: unlike passwords, keys are long random
 * strings, so there is nothing to guess from the hash, and every request has to compute it.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The part of a key shown to humans and used to find its row: never enough to use the key. */
export function apiKeyDisplayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** Whether the secret hashes to the stored hash, compared in constant time. */
export function verifyApiKeySecret(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKeySecret(secret), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
