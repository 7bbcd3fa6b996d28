import { z } from 'zod';

/**
 * What an API key may do. Each endpoint names the permissions it needs with @RequirePermission;
 * a key holds a set of them, chosen when it is created.
 */
export const PERMISSIONS = [
  'orders:read',
  'orders:write',
  'orders:status',
  'orders:payments',
  'payments:mark-paid',
  'reference-data:read',
  'reference-data:write',
  /** Read customers (individual and corporate), their history and notes. */
  'customers:read',
  /** Create and change customers, their notes, companies, contacts and addresses. */
  'customers:write',
  /** Merge customers and undo merges, decide on suggestions, run deduplication jobs, set the match configuration. */
  'customers:merge',
  /** Read customer segments, their members and a customer's segments. */
  'segments:read',
  /** Create segments and change their name or filter. */
  'segments:write',
  /** Manage API keys and users. */
  'access:admin',
  /** Send X-Acting-User to act on behalf of any active user. */
  'act-as-user',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const known: ReadonlySet<string> = new Set(PERMISSIONS);

export function isPermission(value: string): value is Permission {
  return known.has(value);
}

export const permissionSchema = z.enum(PERMISSIONS, {
  error: `must be one of ${PERMISSIONS.join(', ')}`,
});
