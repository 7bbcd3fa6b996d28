import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchOne } from './match-one';
import { defaultModel, family, rec } from './test-records';

const model = defaultModel;

describe('matchOne', () => {
  test('attaches an order to the existing profile, with the explanation', () => {
    const base = [
      rec('p1', {
        firstName: 'Анна',
        lastName: 'Петрова',
        phones: ['+79161234567'],
        emails: ['anna@mail.ru'],
      }),
      rec('p2', { firstName: 'Ольга', lastName: 'Сидорова', phones: ['+79031112233'] }),
    ];
    const incoming = rec('order-contact', {
      firstName: 'Anna',
      lastName: 'Petrova',
      phones: ['8 (916) 123-45-67'],
    });
    const result = matchOne(incoming, base, model);
    assert.equal(result.decision, 'auto-merge');
    assert.equal(result.best?.bId, 'p1');
    assert.equal(result.best?.aId, 'order-contact');
    assert.deepEqual(
      result.candidates.map((c) => c.bId),
      ['p1', 'p2'],
    );
    assert.ok(result.best!.contributions.some((c) => c.field === 'phone' && c.level === 'exact'));
  });

  test('no candidates: a new profile', () => {
    assert.deepEqual(matchOne(rec('x', { firstName: 'Анна' }), [], model), {
      decision: 'distinct',
      best: undefined,
      candidates: [],
    });
  });

  test('a family member calling from the home phone is suggested at most', () => {
    const base = [
      rec('father', { ...family.father, ...family.home }),
      rec('son', { ...family.son, ...family.home }),
    ];
    const result = matchOne(rec('mother', { ...family.mother, ...family.home }), base, model);
    assert.notEqual(result.decision, 'auto-merge');
    for (const c of result.candidates) assert.ok(c.contradictions.includes('firstName'));
  });

  test('and the family member who is already a profile is found among them', () => {
    const base = [
      rec('father', { ...family.father, ...family.home }),
      rec('son', { ...family.son, ...family.home }),
    ];
    const result = matchOne(
      rec('again', { firstName: 'Павел', lastName: 'Иванов', phones: ['84951234567'] }),
      base,
      model,
    );
    assert.equal(result.decision, 'auto-merge');
    assert.equal(result.best?.bId, 'son');
  });

  test('phone holders are counted among the candidates: a switchboard weighs less', () => {
    const office = ['+74950000000'];
    const colleagues = Array.from({ length: 11 }, (_, i) =>
      rec(`c${i}`, { firstName: `Имя${i}`, phones: office }),
    );
    const result = matchOne(
      rec('x', { firstName: 'Анна', phones: office }),
      [rec('anna', { firstName: 'Анна', phones: office }), ...colleagues],
      model,
    );
    const phone = result.best!.contributions.find((c) => c.field === 'phone')!;
    assert.equal(phone.note, 'held by 13 records');
  });

  test('the incoming record itself among the candidates is ignored; ties are ordered by id', () => {
    const a = rec('a', { firstName: 'Анна', phones: ['+79161234567'] });
    const b = rec('b', { firstName: 'Анна', phones: ['+79161234567'] });
    const self = rec('x', { firstName: 'Анна', phones: ['+79161234567'] });
    const result = matchOne(self, [b, self, a], model);
    assert.deepEqual(
      result.candidates.map((c) => c.bId),
      ['a', 'b'],
    );
  });
});
