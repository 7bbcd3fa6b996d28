import { createHash } from 'node:crypto';
import { ValidationError } from '@openretail/contracts';

/** Checks of what callers send beside the resource: retry keys, page sizes and tokens, ids. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw ValidationError.field(field, 'must be a UUID');
  return value.toLowerCase();
}

/** Whether a value is a UUID: a list filter by ids simply matches nothing for one that is not. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** How many rows to skip, for clients that page by page number; never together with a page token. */
export function checkOffset(offset: number | undefined, pageToken: string | undefined): number | undefined {
  if (!offset) return undefined;
  if (!Number.isSafeInteger(offset) || offset < 0) throw ValidationError.field('offset', 'must be 0 or more');
  if (pageToken) throw ValidationError.field('offset', 'give either offset or pageToken');
  return offset;
}

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw ValidationError.field(
      'idempotencyKey',
      'must be 1 to 255 printable ASCII characters without spaces',
    );
  }
  return key;
}

export function checkPageSize(
  value: number | undefined,
  fallback: number,
  max: number,
  field: string,
): number {
  if (!value) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw ValidationError.field(field, `must be from 1 to ${max}`);
  return value;
}

/** A keyset position (time, id) as an opaque token: new rows never shift a page. */
export function encodePageToken(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodePageToken(token: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad token');
    return { at: date, id };
  } catch {
    throw ValidationError.field('pageToken', 'is not a token this API returned');
  }
}

/**
 * Identifies "the same request" for safe retries: what the caller sent, in a canonical form (key
 * order and absent members do not matter).
 */
export function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
