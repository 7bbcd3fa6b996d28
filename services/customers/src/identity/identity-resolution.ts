import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CustomerOrderLinkedV1,
  ValidationError,
  customerProfileInputSchema,
  newId,
  type EventEnvelope,
  type OrderCreatedPayload,
  type OrderLinkDecision,
} from '@openretail/contracts';
import { recordEvent } from '@openretail/messaging';
import {
  blockingKeys,
  explainPair,
  matchOne,
  normaliseRecord,
  type NormalisedRecord,
  type PairScore,
} from '../matching';
import { fileSuggestions } from '../merge/suggestion-filing';
import {
  planCustomerCreate,
  planCustomerEdit,
  toInputJson,
  type CommandContext,
} from '../profiles/customer-commands';
import { EVENT_SOURCE, actorOf } from '../profiles/customer-events';
import { stateOf } from '../profiles/customer-rows';
import type { Customer } from '../profiles/customer.entity';
import {
  REFERENCE_DATA,
  siteRegion,
  type CustomerReferenceData,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import type { Caller } from '../shared/caller';
import { findCandidates, lockKeys } from './match-index';
import { MatchSettings } from './match-settings';
import { CustomerOrderLink } from './order-link.entity';
import { SYSTEM_CALLER, insertProfile, lockLiveProfile, updateProfile } from './profile-writes';

/** A contact to resolve to one profile: what an order carries, or what another service knows. */
export interface ContactInput {
  site: string;
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  phones?: readonly string[];
  emails?: readonly string[];
  birthday?: string;
}

/** What resolution decided for a contact. */
export interface Resolution {
  customerId: string;
  /** matched: an existing profile (with the contact's new phones and emails added); created: a new one. */
  decision: 'matched' | 'created';
  /** The best candidate, scored against the contact (a is the contact), when there was one. */
  best?: PairScore;
  /** Possible duplicates filed for a manager. */
  suggestionIds: string[];
}

/** An order's link, as stored: the profile and why. */
export type OrderLinkView = Pick<
  CustomerOrderLink,
  | 'orderId'
  | 'site'
  | 'customerId'
  | 'decision'
  | 'candidateId'
  | 'weight'
  | 'candidateDecision'
  | 'contributions'
  | 'contradictions'
  | 'suggestionIds'
  | 'linkedAt'
  | 'updatedAt'
>;

/**
 * Identity resolution: one profile per customer, decided when the contact arrives. The contact is
 * normalised, its candidates are the live profiles sharing a blocking key (one indexed query), the
 * engine scores them (matchOne), and then:
 *
 * - at or above the site's auto-merge threshold without a contradiction: the existing profile, to
 *   which the contact's new phones and emails (and missing names) are added;
 * - between the thresholds: a new profile, and a suggestion for each candidate worth a manager's
 *   look (a family sharing a phone lands here: first names contradict);
 * - below: a new profile.
 *
 * Every step runs in the caller's transaction. Resolutions that could meet (sharing a key) are
 * serialised by advisory locks, so two orders of one new customer make one profile.
 */
@Injectable()
export class IdentityResolver {
  constructor(
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
    private readonly settings: MatchSettings,
  ) {}

  /** The order.created handler: links the order to its profile, once (see linkOrder). */
  async onOrderCreated(event: EventEnvelope, em: EntityManager): Promise<void> {
    const order = event.payload as OrderCreatedPayload;
    const contact = order.customer;
    await this.linkOrder(em, {
      orderId: order.orderId,
      site: order.site,
      namedCustomerId: order.order?.customerId,
      contact: {
        site: order.site,
        firstName: contact.firstName,
        lastName: contact.lastName,
        phones: contact.phones ?? (contact.phone ? [contact.phone] : []),
        emails: contact.email ? [contact.email] : [],
      },
    });
  }

  /**
   * Links an order to a profile and publishes customer.order-linked. An order naming a profile keeps
   * it (or gets the survivor it was merged into); otherwise its contact is resolved. At most once per
   * order: a second call (a redelivered event, a legacy contact) finds the link and changes nothing.
   * Answers the link, or undefined when the order has no usable contact at all.
   */
  async linkOrder(
    em: EntityManager,
    input: { orderId: string; site: string; namedCustomerId?: string; contact: ContactInput },
    caller: Caller = SYSTEM_CALLER,
  ): Promise<OrderLinkView | undefined> {
    await em.execute(`select pg_advisory_xact_lock(hashtextextended('order-link|' || ?, 0))`, [
      input.orderId,
    ]);
    const existing = await em.findOne(CustomerOrderLink, { orderId: input.orderId });
    if (existing) return existing;

    const named = input.namedCustomerId
      ? await this.namedProfile(em, input.namedCustomerId, input.site)
      : undefined;
    const now = new Date();
    let link: CustomerOrderLink;
    if (named) {
      link = em.create(CustomerOrderLink, {
        orderId: input.orderId,
        site: input.site,
        customerId: named.id,
        decision: 'named',
        linkedAt: now,
        updatedAt: now,
      });
    } else {
      const resolution = await this.resolve(em, input.contact, caller, { orderId: input.orderId });
      if (!resolution) return undefined;
      const { best } = resolution;
      link = em.create(CustomerOrderLink, {
        orderId: input.orderId,
        site: input.site,
        customerId: resolution.customerId,
        decision: resolution.decision,
        ...(best
          ? {
              candidateId: best.bId,
              weight: best.weight,
              candidateDecision: best.decision,
              contributions: best.contributions,
              contradictions: best.contradictions,
            }
          : {}),
        ...(resolution.suggestionIds.length ? { suggestionIds: resolution.suggestionIds } : {}),
        linkedAt: now,
        updatedAt: now,
      });
    }
    await em.flush();
    await emitOrderLinked(em, {
      orderId: link.orderId,
      site: link.site,
      customerId: link.customerId,
      previousCustomerId: input.namedCustomerId,
      decision: link.decision,
      weight: link.weight,
      suggestionIds: link.suggestionIds,
      caller,
      at: now,
    });
    return link;
  }

  /**
   * Finds the profile of a contact, or makes one, in the caller's transaction (see the class).
   * Undefined when the contact has nothing a profile could be made of (no name, phone or email).
   */
  async resolve(
    em: EntityManager,
    contact: ContactInput,
    caller: Caller,
    origin: { orderId?: string } = {},
  ): Promise<Resolution | undefined> {
    const ref = await this.referenceData.get();
    const region = siteRegion(ref, contact.site);
    const input = profileInputOf(contact);
    if (!input) return undefined;
    const incoming = normaliseRecord(
      {
        id: newId(),
        site: contact.site,
        firstName: input.firstName,
        lastName: input.lastName,
        patronymic: input.patronymic,
        phones: input.phones,
        emails: input.emails,
        birthday: input.birthday,
      },
      { defaultRegion: region },
    );
    const { model, tf } = await this.settings.model(contact.site);
    const keys = blockingKeys(incoming, model.config);
    await lockKeys(em, contact.site, keys);
    const candidates = await findCandidates(em, contact.site, keys, model.config.blocking.maxBlockSize);
    const result = matchOne(incoming, candidates, model, tf);
    const ctx: CommandContext = { ref, caller, now: new Date(), newId };

    // The strongest candidate the engine would merge with (a stronger one may contradict the
    // contact: a relative sharing the phone), else a new profile.
    const match = result.candidates.find((s) => s.decision === 'auto-merge');
    const target = match ? await lockLiveProfile(em, match.bId) : undefined;
    if (match && target) {
      await this.addContacts(em, target, input, ctx, ref);
      // Other candidates worth a look are possible duplicates of the profile matched.
      const byId = new Map(candidates.map((c) => [c.id, c]));
      const matched: NormalisedRecord = { ...(byId.get(match.bId) as NormalisedRecord), id: target.id };
      const others = result.candidates
        .filter((s) => s !== match && s.decision !== 'distinct' && s.bId !== target.id)
        .map((s) => explainPair(matched, byId.get(s.bId)!, model, { tf }))
        .filter((score) => score.decision !== 'distinct');
      const suggestionIds = await fileSuggestions(
        em,
        others.map((score) => ({ site: contact.site, score, origin: 'ingestion', ...origin })),
      );
      return { customerId: target.id, decision: 'matched', best: match, suggestionIds };
    }

    const plan = planCustomerCreate({ site: contact.site, ...input }, ctx, incoming.id);
    await insertProfile(em, plan, caller, ref);
    const worthALook = result.candidates.filter((s) => s.decision !== 'distinct');
    const suggestionIds = await fileSuggestions(
      em,
      worthALook.map((score) => ({ site: contact.site, score, origin: 'ingestion', ...origin })),
    );
    return { customerId: incoming.id, decision: 'created', best: result.best, suggestionIds };
  }

  /** The named profile (or its survivor) when it exists on the order's site. */
  private async namedProfile(em: EntityManager, id: string, site: string): Promise<Customer | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    const row = await lockLiveProfile(em, id.toLowerCase());
    return row && row.site === site ? row : undefined;
  }

  /**
   * The contact's phones and emails the profile lacks, and its names where the profile has none.
   * Through the profile's own edit rules; when the result would break them (a profile at its limit
   * of phones), the profile is left as it is.
   */
  private async addContacts(
    em: EntityManager,
    row: Customer,
    input: ProfileInput,
    ctx: CommandContext,
    ref: CustomerReferenceData,
  ): Promise<void> {
    const before = stateOf(row);
    const json = toInputJson(before) as { phones: string[]; emails: string[] } & Record<string, unknown>;
    const mask: string[] = [];
    const region = siteRegion(ref, before.site);
    const known = new Set(before.phones.map((p) => p.e164 ?? p.number.replace(/\D/g, '')));
    const phones = input.phones.filter((p) => {
      const key = normaliseRecord({ id: '', site: before.site, phones: [p] }, { defaultRegion: region })
        .phones[0];
      return !known.has(key ?? p.replace(/\D/g, ''));
    });
    if (phones.length) {
      json.phones = [...json.phones, ...phones];
      mask.push('phones');
    }
    const emails = input.emails.filter(
      (e) => !before.emails.some((x) => x.trim().toLowerCase() === e.trim().toLowerCase()),
    );
    if (emails.length) {
      json.emails = [...json.emails, ...emails];
      mask.push('emails');
    }
    for (const field of ['firstName', 'lastName', 'patronymic'] as const) {
      if (input[field] && !before[field]) {
        json[field] = input[field];
        mask.push(field);
      }
    }
    if (mask.length === 0) return;
    let plan;
    try {
      plan = planCustomerEdit(before, json, mask, ctx);
    } catch (e) {
      if (e instanceof ValidationError) return;
      throw e;
    }
    if (!plan.noop) await updateProfile(em, row, plan, ctx.caller, ref);
  }
}

type ProfileInput = {
  firstName?: string;
  lastName?: string;
  patronymic?: string;
  phones: string[];
  emails: string[];
  birthday?: string;
};

/**
 * The parts of a contact a profile can hold, each checked with the profile's own schema (a
 * malformed phone of an old order is left out, not a reason to lose the whole contact). Undefined
 * when nothing is left to identify anyone by.
 */
export function profileInputOf(contact: ContactInput): ProfileInput | undefined {
  const valid = (part: Record<string, unknown>) =>
    customerProfileInputSchema.safeParse({ site: contact.site, ...part }).success;
  const out: ProfileInput = {
    phones: (contact.phones ?? []).map((p) => p.trim()).filter((p) => p && valid({ phones: [p] })),
    emails: (contact.emails ?? []).map((e) => e.trim()).filter((e) => e && valid({ emails: [e] })),
  };
  for (const field of ['firstName', 'lastName', 'patronymic', 'birthday'] as const) {
    const value = contact[field]?.trim();
    if (value && valid({ [field]: value })) out[field] = value;
  }
  out.phones = [...new Set(out.phones)].slice(0, 10);
  out.emails = [...new Set(out.emails.map((e) => e.toLowerCase()))].slice(0, 10);
  if (!out.firstName && !out.lastName && out.phones.length === 0 && out.emails.length === 0) return undefined;
  return out;
}

/** customer.order-linked for one change of an order's link, keyed by the order. */
export async function emitOrderLinked(
  em: EntityManager,
  e: {
    orderId: string;
    site: string;
    customerId: string;
    previousCustomerId?: string;
    decision: OrderLinkDecision;
    weight?: number;
    suggestionIds?: string[];
    mergeId?: string;
    caller: Caller;
    at: Date;
  },
): Promise<void> {
  await recordEvent(
    em,
    CustomerOrderLinkedV1,
    CustomerOrderLinkedV1.create(
      {
        orderId: e.orderId,
        site: e.site,
        customerId: e.customerId,
        ...(e.previousCustomerId ? { previousCustomerId: e.previousCustomerId } : {}),
        decision: e.decision,
        ...(e.weight !== undefined ? { weight: e.weight } : {}),
        ...(e.suggestionIds?.length ? { suggestionIds: e.suggestionIds } : {}),
        ...(e.mergeId ? { mergeId: e.mergeId } : {}),
        actor: actorOf(e.caller),
      },
      { source: EVENT_SOURCE, aggregateId: e.orderId, occurredAt: e.at },
    ),
  );
}
