import { currencySchema, type Money } from '@openretail/contracts';
import { ValidationError, type FieldViolation } from '@openretail/contracts';
import type { OrderItemState, OrderState } from '../orders/order-state';

/**
 * Order totals, computed by the service from the lines and never taken from the caller.
 *
 * All arithmetic is on integer minor units. An amount that would leave the safe integer range is
 * a validation error, never a rounded number. Functions that return an amount throw one
 * ValidationError listing every problem in what they read; `validateAmounts` returns the problems
 * of the whole order instead of throwing.
 */

/** Whether a payment status counts as money received; the shop's payment-status dictionary decides. */
export type IsPaidStatus = (statusCode: string) => boolean;

export interface AmountDue {
  total: Money;
  paid: Money;
  /** total − paid; negative when the customer paid more than the order costs. */
  due: Money;
  overpaid: boolean;
}

/** Quantity × unit price − the item's discount. The item's own unit-price currency is the reference. */
export function lineTotal(item: OrderItemState, field = 'item'): Money {
  const out: FieldViolation[] = [];
  const amountMinor = checkLine(item, field, item.unitPrice.currency, out);
  if (amountMinor === undefined) throw new ValidationError(out);
  return { amountMinor, currency: item.unitPrice.currency };
}

/** Sum of the line totals. */
export function itemsTotal(order: OrderState): Money {
  return inOrderCurrency(
    order,
    computed(order, (out) => checkItems(order, out)?.sum),
  );
}

/**
 * Items total − order discount + delivery cost. Delivery cost is what the customer is charged;
 * delivery net cost is the shop's own expense and not part of the total.
 */
export function orderTotal(order: OrderState): Money {
  return inOrderCurrency(
    order,
    computed(order, (out) => checkTotal(order, out)?.total),
  );
}

/** Sum of the payments whose status counts as paid. Every payment must be in the order currency. */
export function paidTotal(order: OrderState, isPaidStatus: IsPaidStatus): Money {
  return inOrderCurrency(
    order,
    computed(order, (out) => checkPayments(order, isPaidStatus, out)),
  );
}

/** What the customer still owes. Overpayment is allowed (a refund is due) and flagged. */
export function amountDue(order: OrderState, isPaidStatus: IsPaidStatus): AmountDue {
  const { total, paid } = computed(order, (out) => {
    const checkedTotal = checkTotal(order, out);
    const paidSum = checkPayments(order, isPaidStatus, out);
    return checkedTotal && paidSum !== undefined ? { total: checkedTotal.total, paid: paidSum } : undefined;
  });
  // Both are safe non-negative integers, so their difference is too.
  const due = total - paid;
  return {
    total: inOrderCurrency(order, total),
    paid: inOrderCurrency(order, paid),
    due: inOrderCurrency(order, due),
    overpaid: due < 0,
  };
}

/**
 * Every amount problem of the order at once, each naming its field: the order currency, each
 * line (quantity, prices, discounts, currencies), the order discount against the items total, the
 * delivery cost and net cost, each payment, and totals leaving the safe integer range. Payments
 * above the total are not a violation: `amountDue` reports them as overpaid.
 */
export function validateAmounts(order: OrderState): FieldViolation[] {
  const out: FieldViolation[] = [];
  checkCurrency(order, out);
  checkTotal(order, out);
  if (order.delivery) checkAmount(order.delivery.netCost, 'delivery.netCost', order.currency, out);
  checkPayments(order, () => true, out);
  return out;
}

/**
 * `percent` % of `amount`, rounded half away from zero to the minor unit (10% of 0.05 → 0.01,
 * 10% of −0.05 → −0.01). The percent is taken as the decimal it prints as (33.333 is exactly
 * 33333/1000), so binary floating point never shifts a rounding. Negative amounts (returns) are
 * allowed; the percent must be from 0 to 100.
 */
export function percentDiscount(amount: Money, percent: number, field = 'percent'): Money {
  if (!Number.isSafeInteger(amount.amountMinor)) {
    throw ValidationError.field('amount.amountMinor', 'must be a safe integer number of minor units');
  }
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw ValidationError.field(field, 'must be a number from 0 to 100');
  }
  const { numerator, denominator } = exactDecimal(percent);
  const amountMinor = divideRoundingHalfAwayFromZero(
    BigInt(amount.amountMinor) * numerator,
    100n * denominator,
  );
  return { amountMinor: Number(amountMinor), currency: amount.currency };
}

/**
 * Splits `discount` over `lines` in proportion to their amounts so that the parts add up to the
 * discount exactly (largest-remainder method):
 * 1. each line gets floor(discount × line / sum of lines);
 * 2. the minor units left over go, one each, to the lines with the largest remainders of that
 *    division; equal remainders go to the earlier line.
 * A part never exceeds its line, and a line of zero gets nothing. Used for the order discount on
 * fiscal receipts and for returns of part of an order.
 *
 * The discount must be non-negative, in the lines' currency and at most the sum of the lines.
 */
export function distributeDiscount(lines: Money[], discount: Money): Money[] {
  const out: FieldViolation[] = [];
  checkAmount(discount, 'discount', discount.currency, out);
  lines.forEach((line, i) => checkAmount(line, `lines[${i}]`, discount.currency, out));
  if (out.length > 0) throw new ValidationError(out);

  const amounts = lines.map((line) => BigInt(line.amountMinor));
  const sum = amounts.reduce((a, b) => a + b, 0n);
  const total = BigInt(discount.amountMinor);
  if (total > sum) {
    throw ValidationError.field('discount.amountMinor', `must not exceed the sum of the lines (${sum})`);
  }
  if (total === 0n) return lines.map(() => ({ amountMinor: 0, currency: discount.currency }));

  const parts = amounts.map((a) => (total * a) / sum);
  const remainders = amounts.map((a) => (total * a) % sum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = amounts
    .map((_, i) => i)
    .sort((i, j) => (remainders[i] === remainders[j] ? i - j : remainders[i] > remainders[j] ? -1 : 1));
  for (const i of byRemainder) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map((p) => ({ amountMinor: Number(p), currency: discount.currency }));
}

/** The order discount split over the items (see `distributeDiscount`), in the order of `order.items`. */
export function allocateOrderDiscount(order: OrderState): Money[] {
  const lines = computed(order, (out) => checkTotal(order, out)?.lines);
  return distributeDiscount(
    lines.map((amountMinor) => inOrderCurrency(order, amountMinor)),
    order.discount,
  );
}

// Each check appends its violations to `out` and returns the amount it computed, or undefined
// when the amount cannot be computed.

/** What `compute` finds in the order, or a ValidationError with every problem found on the way. */
function computed<T>(order: OrderState, compute: (out: FieldViolation[]) => T | undefined): T {
  const out: FieldViolation[] = [];
  checkCurrency(order, out);
  const result = compute(out);
  if (result === undefined || out.length > 0) throw new ValidationError(out);
  return result;
}

function inOrderCurrency(order: OrderState, amountMinor: number): Money {
  return { amountMinor, currency: order.currency };
}

/** A stored amount: a safe, non-negative integer in the expected currency. */
function checkAmount(value: Money, field: string, currency: string, out: FieldViolation[]): boolean {
  const before = out.length;
  const amount = value.amountMinor;
  if (!Number.isInteger(amount)) {
    out.push({ field: `${field}.amountMinor`, reason: 'must be an integer number of minor units' });
  } else if (!Number.isSafeInteger(amount)) {
    out.push({ field: `${field}.amountMinor`, reason: 'is too large' });
  } else if (amount < 0) {
    out.push({ field: `${field}.amountMinor`, reason: 'must not be negative' });
  }
  if (value.currency !== currency) {
    out.push({ field: `${field}.currency`, reason: `must be the order currency ${currency}` });
  }
  return out.length === before;
}

function checkLine(
  item: OrderItemState,
  field: string,
  currency: string,
  out: FieldViolation[],
): number | undefined {
  let valid = checkAmount(item.unitPrice, `${field}.unitPrice`, currency, out);
  valid = checkAmount(item.discount, `${field}.discount`, currency, out) && valid;
  if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
    out.push({ field: `${field}.quantity`, reason: 'must be a whole number of at least 1' });
    valid = false;
  }
  if (!valid) return undefined;
  const gross = checked(
    item.quantity * item.unitPrice.amountMinor,
    field,
    'the line total is too large',
    out,
  );
  if (gross === undefined) return undefined;
  if (item.discount.amountMinor > gross) {
    out.push({ field: `${field}.discount.amountMinor`, reason: `must not exceed the line total (${gross})` });
    return undefined;
  }
  return gross - item.discount.amountMinor;
}

function checkCurrency(order: OrderState, out: FieldViolation[]): void {
  if (!currencySchema.safeParse(order.currency).success) {
    out.push({ field: 'currency', reason: 'must be an ISO 4217 code of three capital letters' });
  }
}

/** The line totals and their sum. */
function checkItems(order: OrderState, out: FieldViolation[]): { lines: number[]; sum: number } | undefined {
  const lines = order.items.map((item, i) => checkLine(item, `items[${i}]`, order.currency, out));
  if (!lines.every((line) => line !== undefined)) return undefined;
  const sum = checked(
    lines.reduce((a, b) => a + b, 0),
    'items',
    'the items total is too large',
    out,
  );
  return sum === undefined ? undefined : { lines, sum };
}

/** The line totals and the order total. */
function checkTotal(
  order: OrderState,
  out: FieldViolation[],
): { lines: number[]; total: number } | undefined {
  const items = checkItems(order, out);
  let valid = checkAmount(order.discount, 'discount', order.currency, out);
  if (valid && items !== undefined && order.discount.amountMinor > items.sum) {
    out.push({ field: 'discount.amountMinor', reason: `must not exceed the items total (${items.sum})` });
    valid = false;
  }
  const delivery = order.delivery?.cost ?? { amountMinor: 0, currency: order.currency };
  valid = checkAmount(delivery, 'delivery.cost', order.currency, out) && valid;
  if (!valid || items === undefined) return undefined;
  const total = checked(
    items.sum - order.discount.amountMinor + delivery.amountMinor,
    'delivery.cost',
    'makes the order total too large',
    out,
  );
  return total === undefined ? undefined : { lines: items.lines, total };
}

function checkPayments(
  order: OrderState,
  isPaidStatus: IsPaidStatus,
  out: FieldViolation[],
): number | undefined {
  let sum: number | undefined = 0;
  order.payments.forEach((payment, i) => {
    const valid = checkAmount(payment.amount, `payments[${i}].amount`, order.currency, out);
    if (!valid) sum = undefined;
    else if (sum !== undefined && isPaidStatus(payment.status)) sum += payment.amount.amountMinor;
  });
  return sum === undefined ? undefined : checked(sum, 'payments', 'the sum of payments is too large', out);
}

function checked(amount: number, field: string, reason: string, out: FieldViolation[]): number | undefined {
  // A sum or product of safe integers that leaves the safe range can only round to an unsafe
  // number, so this check is exact.
  if (Number.isSafeInteger(amount)) return amount;
  out.push({ field, reason });
  return undefined;
}

/** A finite non-negative number as the exact fraction of the decimal it prints as. */
function exactDecimal(n: number): { numerator: bigint; denominator: bigint } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!match) throw new RangeError(`cannot read ${n} as a decimal`);
  const fraction = match[2] ?? '';
  const exponent = Number(match[3] ?? 0) - fraction.length;
  const digits = BigInt(match[1] + fraction);
  return exponent >= 0
    ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

function divideRoundingHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}
