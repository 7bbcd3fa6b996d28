import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  apiKeyDisplayPrefix,
  generateApiKeySecret,
  hashApiKeySecret,
  isWellFormedApiKey,
  verifyApiKeySecret,
} from './api-key-secret';

test('generated keys are ork_ and 40 base62 characters, each one different', () => {
  const keys = Array.from({ length: 500 }, generateApiKeySecret);
  for (const key of keys) {
    assert.match(key, /^ork_[0-9A-Za-z]{40}$/);
    assert.ok(isWellFormedApiKey(key));
  }
  assert.equal(new Set(keys).size, keys.length);
  // Every character of the alphabet turns up: no bias that leaves some out.
  assert.equal(new Set(keys.join('').replaceAll('ork_', '')).size, 62);
});

test('the stored hash is the SHA-256 of the secret; only the same secret verifies', () => {
  const key = generateApiKeySecret();
  const hash = hashApiKeySecret(key);
  assert.equal(hash, createHash('sha256').update(key).digest('hex'));
  assert.ok(verifyApiKeySecret(key, hash));
  assert.equal(verifyApiKeySecret(generateApiKeySecret(), hash), false);
  assert.equal(verifyApiKeySecret(`${key}x`, hash), false);
  assert.equal(verifyApiKeySecret(key, 'abcd'), false, 'a malformed stored hash never matches');
});

test('the display prefix shows ork_ and 8 characters, never the secret', () => {
  const key = generateApiKeySecret();
  assert.equal(apiKeyDisplayPrefix(key), key.slice(0, 12));
  assert.equal(apiKeyDisplayPrefix(key).length, 12);
});

test('malformed keys are recognised before any lookup', () => {
  for (const bad of [
    '',
    'ork_',
    'ork_short',
    `sk_${'a'.repeat(40)}`,
    `ork_${'a'.repeat(39)}!`,
    `ork_${'a'.repeat(65)}`,
  ]) {
    assert.equal(isWellFormedApiKey(bad), false, bad);
  }
  assert.ok(isWellFormedApiKey(`ork_${'A1'.repeat(16)}`));
});
