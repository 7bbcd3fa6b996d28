import { z } from 'zod';

/** Field schemas shared by the input schemas of orders and customers. */

/** Optional free text: trimmed, at most `max` characters, and an empty string counts as not given. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? undefined : v));

export const phoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,30}$/, 'must be a phone number');

export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const digits = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[0-9]{${min},${max}}$`), `must be ${min === max ? min : `${min} to ${max}`} digits`);

/** A Russian legal entity's requisites and bank details: the contragent of an order, a company of a corporate customer. */
export const requisitesFields = {
  legalName: text(500).optional(),
  inn: z.union([digits(10, 10), digits(12, 12)], { error: 'must be 10 or 12 digits' }).optional(),
  kpp: digits(9, 9).optional(),
  ogrn: z.union([digits(13, 13), digits(15, 15)], { error: 'must be 13 or 15 digits' }).optional(),
  legalAddress: text(1000).optional(),
  bank: text(500).optional(),
  bik: digits(9, 9).optional(),
  bankAccount: digits(20, 20).optional(),
  corrAccount: digits(20, 20).optional(),
};
