import { z } from 'zod';

/** ISO 4217 alphabetic code. */
export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three capital letters');

/**
 * Money in integer minor units (kopecks, cents) with its currency. Floats never carry money:
 * 0.1 + 0.2 drifts, and a B2B order of ten million roubles must add up to the kopeck.
 */
export const moneySchema = z.object({
  amountMinor: z
    .number()
    .int('must be an integer number of minor units')
    .refine(Number.isSafeInteger, 'is too large'),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

export class CurrencyMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`cannot combine amounts in ${a} and ${b}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(amountMinor: number, currency: string): Money {
  return moneySchema.parse({ amountMinor, currency });
}

function checkedInteger(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount ${n} is outside the safe integer range`);
  return n;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
  return { amountMinor: checkedInteger(a.amountMinor + b.amountMinor), currency: a.currency };
}

export function multiplyMoney(a: Money, factor: number): Money {
  if (!Number.isInteger(factor)) throw new RangeError('money can only be multiplied by an integer quantity');
  return { amountMinor: checkedInteger(a.amountMinor * factor), currency: a.currency };
}

export function sumMoney(items: Money[], currency: string): Money {
  return items.reduce(addMoney, { amountMinor: 0, currency });
}

/** ISO 4217 currencies whose minor unit is not the hundredth; every other code has two decimals. */
const MINOR_UNIT_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** How many decimals a currency's amounts have (ISO 4217 minor unit): RUB 2, JPY 0, KWD 3. */
export function currencyDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency] ?? 2;
}
