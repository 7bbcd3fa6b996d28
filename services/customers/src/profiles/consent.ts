import { CONSENT_CHANNELS, type ConsentChannel, type ConsentInput } from '@openretail/contracts';
import type { StoredConsent, StoredConsents } from './customer.entity';

/** How far ahead of the service's clock a given consent time may be (clock skew of the caller). */
export const CONSENT_CLOCK_SKEW_MS = 5 * 60_000;

export interface ConsentProblem {
  field: string;
  reason: string;
}

/**
 * The consents after a command, by these rules:
 *
 * - A channel's record says granted or denied, since when (`at`) and where it was recorded from.
 * - Sending the status a channel already has changes nothing, whatever `at` says: the record keeps
 *   the time consent was first given or refused.
 * - A new status is recorded at the time given (an import of consent collected earlier) or now; a
 *   time in the future is refused.
 * - Once recorded, a channel's consent cannot be removed, only denied: the record is what proves the
 *   customer was or was not asked.
 * - Consent can only be granted for a channel the customer can be reached on: email needs an email,
 *   SMS and messengers a phone number that parses.
 */
export function applyConsent(
  before: StoredConsents,
  input: Partial<Record<ConsentChannel, ConsentInput>>,
  reach: { email: boolean; phone: boolean },
  ctx: { now: Date; source: string },
): { consent: StoredConsents; problems: ConsentProblem[] } {
  const consent: StoredConsents = {};
  const problems: ConsentProblem[] = [];
  for (const channel of CONSENT_CHANNELS) {
    const field = `consent.${channel}`;
    const old = before[channel];
    const given = input[channel];
    if (!given) {
      if (old) {
        problems.push({ field, reason: 'a recorded consent cannot be removed; set it to denied instead' });
        consent[channel] = old;
      }
      continue;
    }
    if (old && old.status === given.status) {
      consent[channel] = old;
      continue;
    }
    const at = given.at ? new Date(given.at) : ctx.now;
    if (at.getTime() > ctx.now.getTime() + CONSENT_CLOCK_SKEW_MS) {
      problems.push({ field: `${field}.at`, reason: 'must not be in the future' });
    }
    if (given.status === 'granted' && !(channel === 'email' ? reach.email : reach.phone)) {
      problems.push({
        field,
        reason:
          channel === 'email'
            ? 'email consent can only be granted to a customer with an email'
            : `${channel} consent can only be granted to a customer with a valid phone number`,
      });
    }
    consent[channel] = {
      status: given.status,
      at: at.toISOString(),
      source: ctx.source,
    } satisfies StoredConsent;
  }
  return { consent, problems };
}
