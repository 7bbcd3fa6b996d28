import { ValidationError, currencyDigits, type Money } from '@openretail/contracts';

/**
 * RetailCRM amounts are decimal numbers in the currency (`"initialPrice": 3499.9`); the platform's
 * are integers of the minor unit. The conversion goes through the decimal text, never through
 * float arithmetic: the shortest text of a JSON number is the number as the client wrote it.
 */

/** An amount from RetailCRM (a JSON number or a numeric string) in minor units of the currency. */
export function toMinorUnits(value: unknown, currency: string, field: string): number {
  const text =
    typeof value === 'number' ? numberText(value) : typeof value === 'string' ? value.trim() : undefined;
  const m = text === undefined ? null : /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw ValidationError.field(field, 'must be a decimal number');
  const digits = currencyDigits(currency);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw ValidationError.field(
      field,
      digits === 0
        ? `must be a whole number of ${currency}`
        : `must have at most ${digits} decimal places in ${currency}`,
    );
  }
  const minor = BigInt(m[2] + fraction.padEnd(digits, '0')) * (m[1] ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw ValidationError.field(field, 'is too large');
  }
  return Number(minor);
}

/** A RetailCRM amount as platform money. */
export function toMoney(value: unknown, currency: string, field: string): Money {
  return { amountMinor: toMinorUnits(value, currency, field), currency };
}

/** Plain decimal text of a JSON number: 1e21 and 1e-7 as digits, so their scale can be checked. */
function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa, exp] = text.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const [int, frac = ''] = mantissa.replace('-', '').split('.');
  const shift = Number(exp);
  const digits = int + frac;
  const point = int.length + shift;
  const whole =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + whole;
}

/** Minor units as RetailCRM's decimal number: 349990 kopecks are 3499.9. */
export function fromMinorUnits(minor: number, currency: string): number {
  const digits = currencyDigits(currency);
  if (digits === 0) return minor;
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return Number(`${negative ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

/** Platform money as a RetailCRM amount; absent money is 0. */
export function fromMoney(money: Money | undefined): number {
  return money ? fromMinorUnits(money.amountMinor, money.currency) : 0;
}
