import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateU } from './calibration';
import { resolveMatchConfig } from './match-config';
import { defaultModel, rec } from './test-records';

describe('estimateU', () => {
  // Half the base is called Анна, half Ольга; every phone is different.
  const base = Array.from({ length: 400 }, (_, i) =>
    rec(`r${i}`, { firstName: i % 2 === 0 ? 'Анна' : 'Ольга', phones: [`+7916${String(1_000_000 + i)}`] }),
  );

  test('levels of random pairs: a name half the base shares agrees half the time', () => {
    const override = estimateU(base, defaultModel, { pairs: 20_000, seed: 7 });
    const first = override.fields!.firstName!;
    assert.ok(Math.abs(first.exact!.u! - 0.5) < 0.03, `exact u ${first.exact!.u}`);
    assert.ok(Math.abs(first.different!.u! - 0.5) < 0.03, `different u ${first.different!.u}`);
    const phone = override.fields!.phone!;
    assert.ok(phone.exact!.u! > 0 && phone.exact!.u! < 1e-4, 'never seen: half a count, not zero');
    assert.equal(override.fields!.birthday, undefined, 'a field nobody has is left as configured');
  });

  test('repeatable, and valid as a site override', () => {
    const a = estimateU(base, defaultModel, { pairs: 5_000, seed: 3 });
    assert.deepEqual(estimateU(base, defaultModel, { pairs: 5_000, seed: 3 }), a);
    const config = resolveMatchConfig(a);
    assert.equal(config.fields.firstName.exact.m, defaultModel.config.fields.firstName.exact.m);
    assert.equal(config.fields.firstName.exact.u, a.fields!.firstName!.exact!.u);
  });

  test('a base of one record estimates nothing', () => {
    assert.deepEqual(estimateU([base[0]], defaultModel), { fields: {} });
  });
});
