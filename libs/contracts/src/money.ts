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
