import { z } from 'zod';
import { uuidSchema } from '@openretail/contracts';
import { permissionSchema } from '../permissions';

const unique = <T>(values: T[]) => [...new Set(values)];

const siteList = z
  .array(z.string({ error: 'must be a site code' }).min(1, 'must be a site code'), {
    error: 'is required: "all" or a list of site codes',
  })
  .min(1, 'must list at least one site, or be "all"')
  .transform(unique);

/** "all" or site codes; not a z.union, whose error would not name the offending item. */
const sites = z.unknown().transform((value, ctx): 'all' | string[] => {
  if (value === 'all') return 'all';
  const list = siteList.safeParse(value);
  if (list.success) return list.data;
  for (const issue of list.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

/** POST /v1/api-keys */
export const createApiKeyBody = z.strictObject({
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(200, 'must be at most 200 characters'),
  permissions: z
    .array(permissionSchema, { error: 'is required: a list of permissions' })
    .min(1, 'must list at least one permission')
    .transform(unique),
  /** "all" (every site, also those added later) or site codes, checked against the reference data. */
  sites,
  /** The user the key acts as (e.g. a manager's own integration). */
  userId: uuidSchema.optional(),
  /** Overrides of the gateway's default rate limit. */
  rateLimit: z
    .strictObject({
      rps: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000).optional(),
      burst: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000).optional(),
    })
    .optional(),
});
export type CreateApiKeyBody = z.output<typeof createApiKeyBody>;
