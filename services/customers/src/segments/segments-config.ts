import { env } from '@openretail/config';

/** The segment worker's settings (its own file: service.ts loads it before tracing starts). */
export const segmentsConfig = {
  /** How often each replica looks for segment membership to compute after a save elsewhere. */
  SEGMENTS_POLL_MS: env.int({ min: 10, max: 600_000, default: 2000 }),
  /** How often time-dependent conditions ("last order within 30 days") are re-evaluated; a change is at most this late. */
  SEGMENTS_TIME_CHECK_MS: env.int({ min: 1000, max: 86_400_000, default: 60_000 }),
};
