import { z } from 'zod';
import { customerProfileInputSchema } from '@openretail/contracts';
import { list, number } from '../orders/order-requests';

/**
 * The shapes of the identity routes' requests, refused here with every field named; the customers
 * service applies the rules (sites, thresholds, what a merge may take).
 */

const uuid = z.uuid({ error: 'must be a UUID' });

/** A contact to find the profile of, in the fields and formats of a customer profile. */
export const findOrCreateBody = customerProfileInputSchema.pick({
  site: true,
  firstName: true,
  lastName: true,
  patronymic: true,
  phones: true,
  emails: true,
  birthday: true,
});

export const SUGGESTION_STATUSES = ['open', 'accepted', 'rejected'] as const;

export const listSuggestionsQuery = z.strictObject({
  site: list,
  status: z.enum(SUGGESTION_STATUSES, { error: 'must be open, accepted or rejected' }).optional(),
  customerId: uuid.optional(),
  pageSize: number,
  pageToken: z.string().max(500).optional(),
});

export const acceptSuggestionBody = z.strictObject({
  /** One of the pair; default the older profile. */
  survivorId: uuid.optional(),
});

export const mergeBody = z.strictObject({
  customerIds: z.array(uuid).min(2, 'name at least two customers').max(100, 'at most 100 customers'),
  survivorId: uuid.optional(),
});

export const startDedupJobBody = z.strictObject({
  site: z.string().min(1).max(50),
  autoMerge: z.boolean({ error: 'must be true or false' }).optional(),
});

export const listDedupJobsQuery = z.strictObject({ site: list });

/** A site's match configuration override: validated by the customers service against the engine's schema. */
export const matchConfigBody = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
