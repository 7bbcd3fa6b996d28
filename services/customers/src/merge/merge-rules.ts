import type { StoredAddress, StoredConsent, StoredConsents, StoredPhone } from '../profiles/customer.entity';
import type { CustomerState } from '../profiles/customer-state';
import { emailKey } from '../profiles/customer-state';

/**
 * The most a profile holds of each list: the limits of the profile input schema, which every later
 * edit of the survivor is checked against (merge-rules.test.ts keeps the two equal).
 */
export const PROFILE_LIMITS = { phones: 10, emails: 10, addresses: 20, tags: 50 } as const;

export interface MergeInput {
  survivor: CustomerState;
  /** The profiles merged into it, in the order their values fill the survivor's gaps (oldest first). */
  others: readonly CustomerState[];
}

export interface MergeOutcome {
  /** The survivor after the merge; updatedAt is the caller's `now`. */
  after: CustomerState;
  /** The merged profile whose externalId the survivor takes (it had none), if any. */
  externalIdFrom?: string;
  /** What did not fit the profile's limits, by list: kept in a note on the survivor. */
  dropped: { phones: string[]; emails: string[]; addresses: StoredAddress[]; tags: string[] };
}

const SCALARS = ['firstName', 'lastName', 'patronymic', 'birthday', 'sex', 'managerId'] as const;

/**
 * RetailCRM `customers/combine` semantics, made explicit:
 *
 * - single values (names, patronymic, birthday, sex, manager, externalId): the survivor's when it has
 *   one, else the first of the others (in the given order) that has one;
 * - phones, emails, addresses, tags: the survivor's first, then the others' not already there (phones
 *   compared in E.164 or by digits, emails case-insensitively, addresses by their normalised text),
 *   up to the profile's limits; what does not fit is reported as dropped;
 * - one main address at most: the survivor's, else the first main address among the others;
 * - custom fields: the survivor's value per field, the others' for fields the survivor has not set;
 * - consent: per channel the most recent decision of any profile (granted or denied, by its time),
 *   since the latest answer of the person is the one that holds;
 * - VIP when any profile was; the survivor keeps its id, site and creation time.
 */
export function mergeProfiles(input: MergeInput, now: Date): MergeOutcome {
  const { survivor, others } = input;
  const all = [survivor, ...others];
  // Every list and map of `after` is built anew below; the rest are single values.
  const after: CustomerState = { ...survivor };
  for (const field of SCALARS) {
    if (after[field] !== undefined) continue;
    const donor = others.find((o) => o[field] !== undefined);
    if (donor) (after as unknown as Record<string, unknown>)[field] = donor[field];
  }
  let externalIdFrom: string | undefined;
  if (after.externalId === undefined) {
    const donor = others.find((o) => o.externalId !== undefined);
    if (donor) {
      after.externalId = donor.externalId;
      externalIdFrom = donor.id;
    }
  }

  const phones = union(
    all.map((c) => c.phones),
    phoneKey,
    PROFILE_LIMITS.phones,
  );
  const emails = union(
    all.map((c) => c.emails),
    emailKey,
    PROFILE_LIMITS.emails,
  );
  const addresses = union(
    all.map((c) => c.addresses),
    addressKey,
    PROFILE_LIMITS.addresses,
  );
  const tags = union(
    all.map((c) => c.tags),
    (t) => t,
    PROFILE_LIMITS.tags,
  );
  after.phones = phones.kept;
  after.emails = emails.kept;
  after.addresses = oneMain(addresses.kept);
  after.tags = tags.kept;

  after.customFields = {};
  for (const c of [...all].reverse()) Object.assign(after.customFields, c.customFields);
  after.consent = latestConsent(all.map((c) => c.consent));
  after.vip = all.some((c) => c.vip);
  after.updatedAt = now;
  // Keep the state's shape canonical (no explicit undefined), as the profile commands do.
  for (const key of Object.keys(after) as (keyof CustomerState)[]) {
    if (after[key] === undefined) delete after[key];
  }
  return {
    after,
    ...(externalIdFrom ? { externalIdFrom } : {}),
    dropped: {
      phones: phones.dropped.map((p) => p.number),
      emails: emails.dropped,
      addresses: addresses.dropped,
      tags: tags.dropped,
    },
  };
}

/** The text of the survivor's note listing what did not fit, or undefined when everything did. */
export function droppedNote(
  dropped: MergeOutcome['dropped'],
  mergedIds: readonly string[],
): string | undefined {
  const parts = [
    dropped.phones.length ? `phones: ${dropped.phones.join(', ')}` : '',
    dropped.emails.length ? `emails: ${dropped.emails.join(', ')}` : '',
    dropped.addresses.length ? `addresses: ${dropped.addresses.map(addressText).join('; ')}` : '',
    dropped.tags.length ? `tags: ${dropped.tags.join(', ')}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return `Not kept when ${mergedIds.join(', ')} were merged into this profile (over the profile's limits): ${parts.join('; ')}.`;
}

function union<T>(lists: readonly (readonly T[])[], key: (item: T) => string, limit: number) {
  const seen = new Set<string>();
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const list of lists) {
    for (const item of list) {
      const k = key(item);
      if (seen.has(k)) continue;
      seen.add(k);
      // Items are strings or flat records (phones, addresses): a shallow copy is a copy.
      (kept.length < limit ? kept : dropped).push(typeof item === 'object' ? { ...item } : item);
    }
  }
  return { kept, dropped };
}

function phoneKey(phone: StoredPhone): string {
  return phone.e164 ?? phone.number.replace(/\D/g, '');
}

function addressText(a: StoredAddress): string {
  return (
    a.text ??
    [a.postcode, a.country, a.region, a.city, a.street, a.building, a.flat].filter(Boolean).join(', ')
  );
}

/** Two addresses are one when their text, lowercased with ё as е and without punctuation, is one. */
function addressKey(a: StoredAddress): string {
  return addressText(a)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function oneMain(addresses: StoredAddress[]): StoredAddress[] {
  let seen = false;
  return addresses.map((a) => {
    if (!a.main) return a;
    if (!seen) {
      seen = true;
      return a;
    }
    const copy = { ...a };
    delete copy.main;
    return copy;
  });
}

function latestConsent(all: readonly StoredConsents[]): StoredConsents {
  const out: StoredConsents = {};
  for (const consents of all) {
    for (const [channel, consent] of Object.entries(consents) as [keyof StoredConsents, StoredConsent][]) {
      const held = out[channel];
      if (!held || Date.parse(consent.at) > Date.parse(held.at)) out[channel] = { ...consent };
    }
  }
  return out;
}
