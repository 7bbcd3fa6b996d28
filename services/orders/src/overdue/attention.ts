import type { ReferenceData } from '../reference-data/reference-data';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export type AttentionKind = 'overdue' | 'stale';

/**
 * One arm of the "needs attention" query: orders in `status` (or on `site`, not in a final group)
 * whose `column` instant is before `before`. The same rules as statusDeadline and staleSince,
 * turned around into conditions an index can answer.
 */
export interface AttentionCondition {
  status?: string;
  site?: string;
  openOnly?: true;
  column: 'statusUpdatedAt' | 'createdAt';
  before: Date;
}

export function attentionConditions(
  ref: ReferenceData,
  kind: AttentionKind,
  now: Date,
): AttentionCondition[] {
  if (kind === 'overdue') {
    return ref.data.statuses.flatMap((s) =>
      s.timeLimitMinutes !== undefined && !ref.isFinal(s.code)
        ? [
            {
              status: s.code,
              column: 'statusUpdatedAt' as const,
              before: new Date(now.getTime() - s.timeLimitMinutes * MINUTE_MS),
            },
          ]
        : [],
    );
  }
  return ref.data.sites.map((site) => ({
    site: site.code,
    openOnly: true as const,
    column: 'createdAt' as const,
    before: new Date(now.getTime() - site.staleAfterDays * DAY_MS),
  }));
}
