import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { innChecksumOk, normaliseBirthday, normaliseTaxId } from './identifiers';

describe('normaliseBirthday', () => {
  test('ISO, Russian and Date forms become YYYY-MM-DD', () => {
    assert.equal(normaliseBirthday('1985-03-12'), '1985-03-12');
    assert.equal(normaliseBirthday('1985-3-2'), '1985-03-02');
    assert.equal(normaliseBirthday('1985-03-12T00:00:00Z'), '1985-03-12');
    assert.equal(normaliseBirthday('12.03.1985'), '1985-03-12');
    assert.equal(normaliseBirthday('2/3/1985'), '1985-03-02');
    assert.equal(normaliseBirthday(new Date(Date.UTC(1985, 2, 12))), '1985-03-12');
  });

  test('impossible dates and placeholders are missing', () => {
    for (const raw of [
      '1985-02-30',
      '1985-13-01',
      '31.04.1985',
      '1899-12-31',
      '1900-01-01',
      '2200-01-01',
      'завтра',
      '',
    ]) {
      assert.equal(normaliseBirthday(raw), undefined, raw);
    }
    assert.equal(normaliseBirthday(new Date('nonsense')), undefined);
    assert.equal(normaliseBirthday('2024-02-29'), '2024-02-29');
    assert.equal(normaliseBirthday('2023-02-29'), undefined);
  });
});

describe('normaliseTaxId', () => {
  test('ИНН of a company (10 digits) and of a person (12) with valid check digits', () => {
    assert.ok(innChecksumOk('7707083893')); // Сбербанк
    assert.ok(innChecksumOk('500100732259'));
    assert.equal(normaliseTaxId('ИНН 7707083893', 'RU'), '7707083893');
    assert.equal(normaliseTaxId(' 7707-083-893 ', 'RU'), '7707083893');
    assert.equal(normaliseTaxId('500100732259', 'RU'), '500100732259');
  });

  test('a mistyped ИНН is refused on Russian sites, kept elsewhere', () => {
    assert.equal(normaliseTaxId('7707083894', 'RU'), undefined);
    assert.equal(normaliseTaxId('500100732250', 'RU'), undefined);
    assert.equal(normaliseTaxId('123456789012', 'KZ'), '123456789012');
  });

  test('too short or all zeros is no tax id', () => {
    for (const raw of ['1234567', '0000000000', '', 'нет'])
      assert.equal(normaliseTaxId(raw, 'RU'), undefined, raw);
    assert.equal(normaliseTaxId(undefined, 'RU'), undefined);
    assert.equal(normaliseTaxId('190123456', 'BY'), '190123456');
  });
});
