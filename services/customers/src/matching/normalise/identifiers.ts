/**
 * A birthday → "YYYY-MM-DD", or undefined when it is not a real calendar date. Accepts ISO dates
 * (with or without a time), "DD.MM.YYYY" and "DD/MM/YYYY" as Russian forms and imports write them,
 * and Date objects (their UTC date). Placeholders that systems fill in for "unknown" (1900-01-01,
 * years before 1900) are treated as missing, so they neither match nor contradict.
 */
export function normaliseBirthday(raw: string | Date | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let y: number, m: number, d: number;
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return undefined;
    [y, m, d] = [raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate()];
  } else {
    const s = raw.trim();
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])/.exec(s);
    const ru = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
    if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    else if (ru) [y, m, d] = [Number(ru[3]), Number(ru[2]), Number(ru[1])];
    else return undefined;
  }
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return undefined;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
  if (y === 1900 && m === 1 && d === 1) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A tax number (ИНН, БИН, УНП, VAT id) → its digits, or undefined when fewer than 8 remain. For
 * Russian sites a 10- or 12-digit number must pass the ИНН check digits: a mistyped ИНН would
 * otherwise contradict the right one and veto a true merge.
 */
export function normaliseTaxId(raw: string | undefined, region: string): string | undefined {
  if (raw === undefined) return undefined;
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 8 || /^0+$/.test(digits)) return undefined;
  if (region === 'RU' && (digits.length === 10 || digits.length === 12) && !innChecksumOk(digits))
    return undefined;
  return digits;
}

const INN10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12A = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12B = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function check(digits: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * (digits.charCodeAt(i) - 48);
  return (sum % 11) % 10;
}

/** The check digits of a Russian ИНН: one for organisations (10 digits), two for people (12). */
export function innChecksumOk(digits: string): boolean {
  if (digits.length === 10) return check(digits, INN10) === digits.charCodeAt(9) - 48;
  if (digits.length === 12) {
    return (
      check(digits, INN12A) === digits.charCodeAt(10) - 48 &&
      check(digits, INN12B) === digits.charCodeAt(11) - 48
    );
  }
  return false;
}
