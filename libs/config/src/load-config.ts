import { z } from 'zod';

/** A configuration shape: keys are the environment variable names themselves. */
export type ConfigShape = Record<string, z.ZodType<unknown, string | undefined>>;
export type ConfigOf<S extends ConfigShape> = { readonly [K in keyof S]: z.output<S[K]> };

export interface ConfigProblem {
  variable: string;
  reason: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the variables named by the shape. Every problem is reported at once, each
 * naming its variable, so an operator fixes a deployment in one go rather than one crash at a time.
 */
export function loadConfig<S extends ConfigShape>(
  shape: S,
  source: Record<string, string | undefined> = process.env,
): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [variable, schema] of Object.entries(shape)) {
    const result = schema.safeParse(source[variable]);
    if (result.success) out[variable] = result.data;
    else for (const issue of result.error.issues) problems.push({ variable, reason: issue.message });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as ConfigOf<S>;
}
