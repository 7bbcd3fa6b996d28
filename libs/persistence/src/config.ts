import { env } from '@openretail/config';

/** The variables every service with a database reads. */
export const databaseConfig = {
  DATABASE_URL: env.url({ protocols: ['postgres', 'postgresql'] }),
  DATABASE_POOL_MAX: env.int({ min: 1, max: 200, default: 10 }),
  MIGRATE_ON_START: env.bool(false),
};
