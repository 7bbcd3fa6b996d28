import { env } from '@openretail/config';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Config fragment for the variables this library reads; services spread it into their shape. */
export const observabilityConfig = {
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url({ protocols: ['http', 'https'], optional: true }),
  OTEL_SERVICE_NAME: env.string({ optional: true }),
  LOG_LEVEL: env.oneOf(LOG_LEVELS, 'info'),
};
