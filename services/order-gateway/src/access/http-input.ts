import { z } from 'zod';
import { ValidationError, uuidSchema } from '@openretail/contracts';

/** The input parsed by the schema, or a ValidationError naming every offending (and every unknown) field. */
export { parseInput } from '@openretail/contracts';

/** A resource id from the path: a UUID. */
export function parseId(id: string): string {
  if (!uuidSchema.safeParse(id).success) throw ValidationError.field('id', 'must be a UUID');
  return id.toLowerCase();
}

/** `?limit=&after=` of the management lists: oldest first, `after` the last id of the previous page. */
export const listQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
  after: uuidSchema.optional(),
});
export type ListQuery = z.output<typeof listQuery>;

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; absent on the last one. */
  next?: string;
}

export function page<T extends { id: string }>(items: T[], limit: number): Page<T> {
  return items.length === limit ? { items, next: items[items.length - 1].id } : { items };
}
