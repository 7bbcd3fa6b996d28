import type { Timestamp, Timestamp__Output } from './generated/google/protobuf/Timestamp';
import type { Money, Money__Output } from './generated/openretail/common/v1/Money';
import { ValidationError } from '@openretail/contracts';

/** Money as the services use it (same shape as the contracts lib's Money): safe-integer minor units. */
export interface MoneyValue {
  amountMinor: number;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;
const INTEGER = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * proto Money (int64 arrives as a decimal string) to MoneyValue. Amounts beyond 2^53 cannot be a
 * JS number exactly, so they are rejected rather than rounded. `field` names the value in errors.
 */
export function moneyFromProto(money: Money__Output | null | undefined, field = 'money'): MoneyValue {
  if (!money) throw ValidationError.field(field, 'is required');
  const violations = [];
  const raw = String(money.amountMinor);
  const amountMinor = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(amountMinor)) {
    violations.push({
      field: `${field}.amountMinor`,
      reason: `must be a safe integer (|n| <= 2^53-1), got ${raw}`,
    });
  }
  if (!CURRENCY.test(money.currency)) {
    violations.push({
      field: `${field}.currency`,
      reason: `must be an ISO 4217 code like RUB, got '${money.currency}'`,
    });
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { amountMinor, currency: money.currency };
}

/** MoneyValue (or a bigint amount) to proto Money, checked the same way on the way out. */
export function moneyToProto(
  value: { amountMinor: number | bigint; currency: string },
  field = 'money',
): Money {
  const violations = [];
  const { amountMinor, currency } = value;
  const valid =
    typeof amountMinor === 'bigint'
      ? amountMinor >= INT64_MIN && amountMinor <= INT64_MAX
      : Number.isSafeInteger(amountMinor);
  if (!valid) {
    violations.push({
      field: `${field}.amountMinor`,
      reason: `must be ${typeof amountMinor === 'bigint' ? 'within int64' : 'a safe integer'}, got ${amountMinor}`,
    });
  }
  if (!CURRENCY.test(currency)) {
    violations.push({
      field: `${field}.currency`,
      reason: `must be an ISO 4217 code like RUB, got '${currency}'`,
    });
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { amountMinor: amountMinor.toString(), currency };
}

export function timestampFromDate(date: Date): Timestamp {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new Error('timestampFromDate: invalid Date');
  const seconds = Math.floor(ms / 1000);
  return { seconds: String(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** proto Timestamp to Date (millisecond precision). */
export function dateFromTimestamp(
  timestamp: Timestamp__Output | null | undefined,
  field = 'timestamp',
): Date {
  if (!timestamp) throw ValidationError.field(field, 'is required');
  const seconds = Number(timestamp.seconds);
  const date = new Date(seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000));
  if (!INTEGER.test(String(timestamp.seconds)) || Number.isNaN(date.getTime())) {
    throw ValidationError.field(field, `is not a valid timestamp (seconds ${timestamp.seconds})`);
  }
  return date;
}
