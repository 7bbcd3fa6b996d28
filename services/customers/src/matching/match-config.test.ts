import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { DEFAULT_MATCH_CONFIG, FIELD_LEVELS, FIELD_NAMES, resolveMatchConfig } from './match-config';

function violations(override: unknown): string[] {
  try {
    resolveMatchConfig(override);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.violations.map((v) => `${v.field}: ${v.reason}`);
  }
  assert.fail('expected a ValidationError');
}

describe('match configuration', () => {
  test('the defaults are complete and valid: every level of every field has m and u in (0, 1]', () => {
    assert.deepEqual(resolveMatchConfig(), DEFAULT_MATCH_CONFIG);
    for (const field of FIELD_NAMES) {
      for (const level of FIELD_LEVELS[field]) {
        const { m, u } = (DEFAULT_MATCH_CONFIG.fields[field] as Record<string, { m: number; u: number }>)[
          level
        ];
        assert.ok(m > 0 && m <= 1 && u > 0 && u <= 1, `${field}.${level}`);
      }
    }
  });

  test('an override is merged key by key; arrays replace the default', () => {
    const config = resolveMatchConfig({
      thresholds: { autoMerge: 9 },
      fields: { phone: { exact: { u: 1e-5 } } },
      contradictions: ['birthday'],
      blocking: { maxBlockSize: 50 },
    });
    assert.equal(config.thresholds.autoMerge, 9);
    assert.equal(config.thresholds.suggest, DEFAULT_MATCH_CONFIG.thresholds.suggest);
    assert.deepEqual(config.fields.phone.exact, { m: DEFAULT_MATCH_CONFIG.fields.phone.exact.m, u: 1e-5 });
    assert.deepEqual(config.fields.email, DEFAULT_MATCH_CONFIG.fields.email);
    assert.deepEqual(config.contradictions, ['birthday']);
    assert.equal(config.blocking.maxBlockSize, 50);
    assert.deepEqual(config.blocking.keys, DEFAULT_MATCH_CONFIG.blocking.keys);
    assert.equal(DEFAULT_MATCH_CONFIG.thresholds.autoMerge, 6, 'the defaults are not modified');
  });

  test('every bad field is named with its reason', () => {
    const found = violations({
      thresholds: { autoMerge: 'high' },
      fields: { phone: { exact: { m: 0 } }, email: { typo: { m: 0.1, u: 0.1 } } },
      contradictions: ['shoeSize'],
      blocking: { keys: [], maxBlockSize: 1 },
      colour: 'red',
    });
    const fields = found.map((v) => v.split(':')[0]);
    for (const field of [
      'thresholds.autoMerge',
      'fields.phone.exact.m',
      'fields.email',
      'contradictions[0]',
      'blocking.keys',
      'blocking.maxBlockSize',
    ]) {
      assert.ok(fields.includes(field), `${field} in ${found.join('; ')}`);
    }
    assert.ok(
      found.some((v) => v.includes('colour')),
      found.join('; '),
    );
  });

  test('the rules between fields: suggest not above auto-merge, low similarity not above high', () => {
    assert.deepEqual(violations({ thresholds: { autoMerge: 3, suggest: 5 }, similarity: { low: 0.95 } }), [
      'thresholds.suggest: must not be above thresholds.autoMerge',
      'similarity.low: must not be above similarity.high',
    ]);
  });
});
