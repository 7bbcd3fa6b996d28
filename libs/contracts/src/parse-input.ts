import type { z } from 'zod';
import { ValidationError } from './errors';

/**
 * The input parsed by the schema, or a ValidationError naming every offending field, each unknown
 * field by its path; `prefix` puts the paths under a member of the request ("company.inn"). No input
 * counts as an empty object, so every required field is named.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a known field' }))
      : [issue],
  );
  const { violations } = ValidationError.fromZod({ issues });
  throw new ValidationError(
    prefix
      ? violations.map((v) => ({ ...v, field: v.field === '(request)' ? prefix : `${prefix}.${v.field}` }))
      : violations,
  );
}
