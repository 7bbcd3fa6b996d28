import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type Region = CountryCode;

/**
 * A phone as typed → E.164 (+79161234567), or undefined when it is not a valid number of its
 * country. National formats are read with the site's default region: "8 (916) 123-45-67" is
 * +79161234567 for RU, "8 029 123-45-67" is +375291234567 for BY. Extensions are dropped: the
 * number identifies the line, the extension a desk on it.
 */
export function normalisePhone(raw: string, defaultRegion: Region): string | undefined {
  let s = raw.trim();
  if (s === '') return undefined;
  if (defaultRegion === 'RU') {
    const mobile = russianMobile(s);
    if (mobile !== undefined) return mobile;
  }
  // "00" is the international call prefix in most of Europe; libphonenumber only knows the default
  // region's own prefix (RU's is 8~10), so "0049 30 …" would be read as a Russian number.
  s = s.replace(/^\s*00(?=[1-9])/, '+');
  // "+8 916 …": a frequent slip for the Russian trunk prefix in RU and KZ, where no +8x country code
  // has 11 digits starting with 8 9 or 8 7.
  if ((defaultRegion === 'RU' || defaultRegion === 'KZ') && /^\+8[\s(-]*[3-9]/.test(s)) {
    const digits = s.replace(/\D/g, '');
    if (digits.length === 11) s = digits;
  }
  const parsed = parsePhoneNumberFromString(s, defaultRegion);
  if (parsed === undefined || !parsed.isValid()) return undefined;
  return parsed.number;
}

/**
 * The common case without libphonenumber (which takes ~10 µs a number, a tenth of a million-record
 * batch): a Russian mobile, +7 9xx or 8 9xx in any punctuation, where every number is valid. Gives
 * exactly what the library gives for these inputs (phone.test.ts compares them); anything else,
 * extensions included, goes to the library.
 */
function russianMobile(s: string): string | undefined {
  if (!MOBILE_SHAPE.test(s)) return undefined;
  const digits = s.replace(/[\s().-]/g, '');
  const plus = digits.charCodeAt(0) === 43;
  const national = plus ? digits.slice(1) : digits;
  if (
    national.length === 11 &&
    national[1] === '9' &&
    (national[0] === '7' || (national[0] === '8' && !plus))
  ) {
    return `+7${national.slice(1)}`;
  }
  if (national.length === 10 && national[0] === '9' && !plus) return `+7${national}`;
  return undefined;
}

// Digits with spaces, brackets, dashes and dots, and "+" only in front.
const MOBILE_SHAPE = /^\+?[\d\s().-]+$/;
