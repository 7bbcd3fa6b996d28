import type { CustomFieldValue, Money } from '@openretail/contracts';
import type { Money__Output } from './generated/openretail/common/v1/Money';
import type { Timestamp__Output } from './generated/google/protobuf/Timestamp';
import { dateFromTimestamp, moneyFromProto, moneyToProto, timestampFromDate } from './money';

/**
 * Pieces of every translation between public JSON and proto messages. proto3 has no "absent" for
 * strings, so an empty string is absent; money without a currency is absent.
 */

export const str = (s: string | null | undefined) => (s ? s : undefined);

export const moneyIn = (m: Money__Output | null | undefined, field: string): Money | undefined =>
  m && m.currency ? moneyFromProto(m, field) : undefined;

export const moneyOut = (m: Money | undefined, field: string) => (m ? moneyToProto(m, field) : undefined);

/** A Timestamp as an ISO 8601 UTC string. */
export const timeIn = (t: Timestamp__Output | null | undefined, field: string) =>
  t ? dateFromTimestamp(t, field).toISOString() : undefined;

export const timeOut = (iso: string | undefined) => (iso ? timestampFromDate(new Date(iso)) : undefined);

/** Drops undefined members so that JSON and deep equality see only what is set. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function nonEmpty<T extends object>(value: T): T | undefined {
  const c = compact(value);
  return Object.keys(c).length > 0 ? c : undefined;
}

/** The CustomFieldValue message (a oneof text / number / flag) of any package. */
export interface CustomFieldValueMessage {
  text?: string;
  number?: number;
  flag?: boolean;
  kind?: 'text' | 'number' | 'flag';
}

export function customFieldIn(value: CustomFieldValueMessage): CustomFieldValue {
  if (value.kind === 'text') return value.text ?? '';
  if (value.kind === 'number') return value.number ?? 0;
  if (value.kind === 'flag') return value.flag ?? false;
  return null;
}

export function customFieldOut(value: CustomFieldValue): CustomFieldValueMessage {
  if (typeof value === 'string') return { text: value };
  if (typeof value === 'number') return { number: value };
  if (typeof value === 'boolean') return { flag: value };
  return {};
}

export const customFieldsIn = (fields: Record<string, CustomFieldValueMessage>) =>
  Object.fromEntries(Object.entries(fields).map(([code, value]) => [code, customFieldIn(value)]));

export const customFieldsOut = (fields: Record<string, CustomFieldValue> | undefined) =>
  fields && Object.fromEntries(Object.entries(fields).map(([code, value]) => [code, customFieldOut(value)]));
