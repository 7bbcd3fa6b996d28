import { z } from 'zod';

/**
 * Parsers for environment variables. Each one accepts the raw string (or undefined when the
 * variable is unset) and yields a typed value, with a reason a person can act on when it fails.
 */
const optionalRaw = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function withDefault<T>(schema: z.ZodType<T>, fallback: T | undefined, required: boolean) {
  return optionalRaw.transform((raw, ctx): T => {
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      if (!required) return undefined as T;
      ctx.addIssue({ code: 'custom', message: 'is required but not set' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: `${parsed.error.issues[0]?.message ?? 'is invalid'}, got '${raw}'`,
      });
      return z.NEVER;
    }
    return parsed.data;
  });
}

const intFrom = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

export const env = {
  string: (opts: { default?: string; optional?: boolean } = {}) =>
    withDefault(z.string(), opts.default, !opts.optional),
  int: (opts: { min?: number; max?: number; default?: number; optional?: boolean } = {}) =>
    withDefault(
      intFrom(opts.min ?? Number.MIN_SAFE_INTEGER, opts.max ?? Number.MAX_SAFE_INTEGER),
      opts.default,
      !opts.optional,
    ),
  port: (fallback?: number) => withDefault(intFrom(1, 65535), fallback, true),
  bool: (fallback?: boolean) =>
    withDefault(
      z
        .string()
        .toLowerCase()
        .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
        .transform((v) => ['true', '1', 'yes'].includes(v)),
      fallback,
      true,
    ),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T, fallback?: T[number]) =>
    withDefault(
      z.string().refine((v): v is T[number] => values.includes(v), `must be one of ${values.join(', ')}`),
      fallback,
      true,
    ) as unknown as z.ZodType<T[number], string | undefined>,
  url: (opts: { protocols: string[]; default?: string; optional?: boolean }) =>
    withDefault(
      z.string().refine(
        (v) => {
          try {
            return opts.protocols.includes(new URL(v).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        `must be a URL with scheme ${opts.protocols.join(' or ')}`,
      ),
      opts.default,
      !opts.optional,
    ),
  /** Comma-separated list, e.g. KAFKA_BROKERS=host1:9092,host2:9092. */
  list: (
    opts: { default?: string[]; optional?: boolean; item?: z.ZodType<string>; itemHint?: string } = {},
  ) =>
    withDefault(
      z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .refine((items) => items.length > 0, 'must list at least one value')
        .refine(
          (items) => !opts.item || items.every((i) => opts.item!.safeParse(i).success),
          `every item must be ${opts.itemHint ?? 'valid'}`,
        ),
      opts.default,
      !opts.optional,
    ),
  hostPort: (fallback?: string) =>
    withDefault(z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port'), fallback, true),
};
