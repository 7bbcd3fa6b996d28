import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { normalisePhone } from './phone';

describe('normalisePhone', () => {
  const cases: ReadonlyArray<readonly [string, string, string | undefined]> = [
    // Russia, as people type it: +7, 8, 7 without plus, no trunk prefix, brackets, dashes, spaces.
    ['+7 (916) 123-45-67', 'RU', '+79161234567'],
    ['8 (916) 123-45-67', 'RU', '+79161234567'],
    ['89161234567', 'RU', '+79161234567'],
    ['79161234567', 'RU', '+79161234567'],
    ['9161234567', 'RU', '+79161234567'],
    ['8-916-123-45-67', 'RU', '+79161234567'],
    ['+7-916-123-4567', 'RU', '+79161234567'],
    [' 916.123.45.67 ', 'RU', '+79161234567'],
    ['+8 916 123 45 67', 'RU', '+79161234567'],
    ['8 (495) 123-45-67', 'RU', '+74951234567'],
    ['8 800 555 35 35', 'RU', '+78005553535'],
    ['+7 495 123 45 67 доб. 123', 'RU', '+74951234567'],
    // Kazakhstan shares +7: its numbers read right from a Russian site too.
    ['8 (701) 123-45-67', 'KZ', '+77011234567'],
    ['+7 701 123 4567', 'RU', '+77011234567'],
    ['8 701 123 45 67', 'RU', '+77011234567'],
    // Belarus, Ukraine.
    ['8 029 123-45-67', 'BY', '+375291234567'],
    ['+375 (29) 123-45-67', 'RU', '+375291234567'],
    ['00375291234567', 'RU', '+375291234567'],
    ['+380 67 123 4567', 'RU', '+380671234567'],
    ['067 123 45 67', 'UA', '+380671234567'],
    // Germany, with and without the national 0, and the 00 international prefix.
    ['+49 (0)30 1234567', 'RU', '+49301234567'],
    ['030 1234567', 'DE', '+49301234567'],
    ['0049 30 1234567', 'RU', '+49301234567'],
    ['0151 23456789', 'DE', '+4915123456789'],
    // United States, United Kingdom.
    ['+1 (415) 555-2671', 'RU', '+14155552671'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['415-555-2671', 'US', '+14155552671'],
    ['+44 20 7946 0958', 'RU', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    // Not numbers.
    ['', 'RU', undefined],
    ['   ', 'RU', undefined],
    ['123', 'RU', undefined],
    ['+7 916 123 45 6', 'RU', undefined],
    ['не звонить', 'RU', undefined],
    ['8 029 123-45-67', 'RU', undefined],
  ];
  for (const [raw, region, expected] of cases) {
    test(`${JSON.stringify(raw)} in ${region} → ${expected ?? 'undefined'}`, () => {
      assert.equal(normalisePhone(raw, region as never), expected);
    });
  }

  test('the Russian mobile fast path gives exactly what libphonenumber gives', () => {
    let seed = 42;
    const digit = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return String(seed % 10);
    };
    const formats = [
      (d: string) => `+7${d}`,
      (d: string) => `8${d}`,
      (d: string) => `7${d}`,
      (d: string) => d,
      (d: string) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
      (d: string) => `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
      (d: string) => `+7-${d.slice(0, 3)}-${d.slice(3)}`,
      (d: string) => `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6)}`,
    ];
    for (let i = 0; i < 2000; i++) {
      let d = '9';
      for (let k = 0; k < 9; k++) d += digit();
      const raw = formats[i % formats.length](d);
      const library = parsePhoneNumberFromString(raw, 'RU');
      const expected = library?.isValid() ? library.number : undefined;
      assert.equal(normalisePhone(raw, 'RU'), expected, raw);
    }
  });
});
