import { env } from '@openretail/config';

/** The deadline worker's settings (its own file: service.ts loads it before tracing starts). */
export const deadlineConfig = {
  /** How often each replica looks for due deadlines; an event is at most this late. */
  DEADLINE_POLL_MS: env.int({ min: 10, max: 600_000, default: 5000 }),
};
