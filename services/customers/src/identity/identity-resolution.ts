import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  CustomerOrderLinkedV1,
  ValidationError,
  customerProfileInputSchema,
  newId,
  type EventDefinition,
  type EventEnvelope,
  type OrderCreatedPayload,
  type OrderLinkDecision,
} from '@openretail/contracts';
import { eventsRecordedIn, outboxInsert, recordEvents, type OutboxEvent } from '@openretail/messaging';
import { executeBound, recordsetInsert } from '@openretail/persistence';
import {
  blockingKeys,
  explainPair,
  matchOne,
  normaliseRecord,
  type NormalisedRecord,
  type PairScore,
} from '../matching';
import { fileSuggestions, storedPair, type SuggestionDraft } from '../merge/suggestion-filing';
import {
  planCustomerCreate,
  planCustomerEdit,
  toInputJson,
  type CommandContext,
  type PlannedCustomerChange,
} from '../profiles/customer-commands';
import { EVENT_SOURCE, actorOf, customerEventsOf } from '../profiles/customer-events';
import { stateOf } from '../profiles/customer-rows';
import type { CustomerState } from '../profiles/customer-state';
import type { Customer } from '../profiles/customer.entity';
import {
  REFERENCE_DATA,
  siteRegion,
  type CustomerReferenceData,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import type { Caller } from '../shared/caller';
import {
  keyLock,
  lockNames,
  normaliseProfile,
  orderLinkLock,
  readBlocks,
  type Blocks,
  type KeyLookup,
} from './match-index';
import { MatchSettings, type SiteModel } from './match-settings';
import { CustomerOrderLink } from './order-link.entity';
import { SYSTEM_CALLER, lockLiveProfiles, storeProfileChanges, type ProfileChange } from './profile-writes';
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

/** An order to link to its profile (see linkOrders). */
export interface OrderToLink {
  orderId: string;
  site: string;
  /** The profile the order names, if any. */
  namedCustomerId?: string;
  contact: ContactInput;
  /** The trace context of the order's processing, for the events it causes (default: the active one). */
  traceHeaders?: Record<string, string>;
}

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
 * Contacts are resolved in batches (all the orders of a consumer's transaction; a single contact is
 * a batch of one) with a fixed number of statements: the locks, the existing links, the named
 * profiles, the candidates of every contact, the profiles matched; then the decisions, made one
 * contact after the other in memory, each seeing the profiles the earlier ones made or changed
 * (two orders of one new customer in a batch make one profile); then the writes, set-wise. The
 * decisions and what is stored are those of resolving the contacts one at a time.
 *
 * Every step runs in the caller's transaction. Resolutions that could meet (sharing a key) are
 * serialised by advisory locks, so two orders of one new customer handled at once by two replicas
 * make one profile.
 */
@Injectable()
export class IdentityResolver {
  constructor(
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
    private readonly settings: MatchSettings,
  ) {}

  /** The order.created batch handler: links each order to its profile, once (see linkOrders). */
  async onOrdersCreated(
    events: readonly EventEnvelope[],
    em: EntityManager,
    traceHeaders: readonly Record<string, string>[] = [],
  ): Promise<void> {
    await this.linkOrders(
      em,
      events.map((event, i) => {
        const order = event.payload as OrderCreatedPayload;
        const contact = order.customer;
        return {
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
          traceHeaders: traceHeaders[i],
        };
      }),
    );
  }

  /** One order.created event (see onOrdersCreated). */
  onOrderCreated(event: EventEnvelope, em: EntityManager): Promise<void> {
    return this.onOrdersCreated([event], em);
  }

  /**
   * Links orders to profiles, in order, and publishes a customer.order-linked for each. An order
   * naming a profile keeps it (or gets the survivor it was merged into); otherwise its contact is
   * resolved. At most once per order: a second time (a redelivered event, a legacy contact, the same
   * order twice in the batch) finds the link and changes nothing. Answers each order's link, or
   * undefined when the order has no usable contact at all.
   */
  async linkOrders(
    em: EntityManager,
    orders: readonly OrderToLink[],
    caller: Caller = SYSTEM_CALLER,
  ): Promise<(OrderLinkView | undefined)[]> {
    return (
      await new ResolutionBatch(em, caller, await this.referenceData.get(), this.settings).run(orders)
    ).map((o) => o.link);
  }

  /**
   * Finds the profile of a contact, or makes one, in the caller's transaction (see the class).
   * Undefined when the contact has nothing a profile could be made of (no name, phone or email).
   */
  async resolve(em: EntityManager, contact: ContactInput, caller: Caller): Promise<Resolution | undefined> {
    const batch = new ResolutionBatch(em, caller, await this.referenceData.get(), this.settings);
    return (await batch.run([{ site: contact.site, contact }]))[0].resolution;
  }
}

/** A contact to resolve: an order's (with its id) or not. */
type Item = Omit<OrderToLink, 'orderId'> & { orderId?: string };

/** A contact as the engine sees it, with its lookup and its site's model. */
interface Prepared {
  input: ProfileInput;
  incoming: NormalisedRecord;
  lookup: KeyLookup;
  model: SiteModel;
}

/**
 * What a batch did for an item: the order's link (`made` by this batch, or found), the contact's
 * resolution, the suggestions it drafted and the events it records.
 */
interface Outcome {
  link?: OrderLinkView;
  made?: boolean;
  resolution?: Resolution;
  drafts: SuggestionDraft[];
  events: OutboxEvent[];
}

/** A profile as the batch sees it: its state and version now. */
interface Current {
  state: CustomerState;
  version: number;
}

/** What a named customer id must look like to be looked up. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One batch of resolutions in one transaction (see IdentityResolver). */
class ResolutionBatch {
  private readonly ctx: CommandContext;
  /** Profiles made or changed by this batch, by id, as they are now. */
  private readonly changed = new Map<string, Current>();
  private readonly changes: ProfileChange[] = [];
  /** Live profiles read (and locked) for ids, by id; null when the id stands for none. */
  private readonly rows = new Map<string, Customer | null>();
  private blocks!: Blocks;

  constructor(
    private readonly em: EntityManager,
    private readonly caller: Caller,
    private readonly ref: CustomerReferenceData,
    private readonly settings: MatchSettings,
  ) {
    this.ctx = { ref, caller, now: new Date(), newId };
  }

  async run(items: readonly Item[]): Promise<Outcome[]> {
    const prepared = await this.prepare(items);
    const orderIds = items.flatMap((item) => (item.orderId ? [item.orderId] : []));
    await lockNames(this.em, [
      ...orderIds.map(orderLinkLock),
      ...prepared.flatMap((p) =>
        p && !(p instanceof Error) ? p.lookup.keys.map((key) => keyLock(p.lookup.site, key)) : [],
      ),
    ]);
    const links = new Map<string, OrderLinkView>(
      orderIds.length
        ? (await this.em.find(CustomerOrderLink, { orderId: { $in: orderIds } })).map((l) => [l.orderId, l])
        : [],
    );
    const named = (item: Item) =>
      item.namedCustomerId && UUID.test(item.namedCustomerId)
        ? item.namedCustomerId.toLowerCase()
        : undefined;
    await this.load(
      items.flatMap((item) => (item.orderId && links.has(item.orderId) ? [] : (named(item) ?? []))),
    );
    const namedProfile = (item: Item) => {
      const id = named(item);
      const row = id ? this.rows.get(id) : undefined;
      return row && row.site === item.site ? row : undefined;
    };

    // What is to be resolved: the contacts of the orders not linked yet nor naming a profile here.
    const resolving = items.map((item, i) => {
      if ((item.orderId && links.has(item.orderId)) || namedProfile(item)) return undefined;
      const p = prepared[i];
      if (p instanceof Error) throw p;
      return p;
    });
    const lookups = resolving.flatMap((p) => (p ? [p.lookup] : []));
    this.blocks = await readBlocks(this.em, lookups);
    // The profiles the contacts match as the index stands, read and locked at once; one that a
    // match with a profile changed by the batch needs besides is read when needed.
    await this.load(resolving.flatMap((p) => (p ? (this.match(p).match?.bId ?? []) : [])));

    const outcomes: Outcome[] = [];
    for (const [i, item] of items.entries()) {
      const existing = item.orderId ? links.get(item.orderId) : undefined;
      const outcome: Outcome = existing
        ? { link: existing, drafts: [], events: [] }
        : await this.decide(item, namedProfile(item), resolving[i]);
      if (outcome.link && item.orderId) links.set(item.orderId, outcome.link);
      outcomes.push(outcome);
    }
    await this.write(items, outcomes);
    return outcomes;
  }

  /**
   * Each item's contact as the engine sees it: undefined when there is nothing to identify anyone
   * by, an Error when it cannot be resolved (an unknown site), thrown only if it has to be.
   */
  private async prepare(items: readonly Item[]): Promise<(Prepared | Error | undefined)[]> {
    const models = new Map<string, Promise<SiteModel>>();
    return Promise.all(
      items.map(async ({ contact }) => {
        let region;
        try {
          region = siteRegion(this.ref, contact.site);
        } catch (e) {
          return e as Error;
        }
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
        let model = models.get(contact.site);
        if (!model) models.set(contact.site, (model = this.settings.model(contact.site)));
        const siteModel = await model;
        const { config } = siteModel.model;
        return {
          input,
          incoming,
          lookup: {
            site: contact.site,
            keys: blockingKeys(incoming, config),
            maxBlockSize: config.blocking.maxBlockSize,
          },
          model: siteModel,
        };
      }),
    );
  }

  /** Reads and locks the live profiles of ids not read yet. */
  private async load(ids: readonly string[]): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !this.rows.has(id));
    if (wanted.length === 0) return;
    const live = await lockLiveProfiles(this.em, wanted);
    for (const id of wanted) this.rows.set(id, live.get(id) ?? null);
  }

  /** The live profile an id stands for, as it is now in the batch. */
  private async current(id: string): Promise<Current | undefined> {
    const made = this.changed.get(id);
    if (made) return made;
    await this.load([id]);
    const row = this.rows.get(id);
    return row ? (this.changed.get(row.id) ?? { state: stateOf(row), version: row.version }) : undefined;
  }

  /** The contact scored against its candidates as they are now, and the strongest to merge with. */
  private match({ incoming, lookup, model: { model, tf } }: Prepared) {
    const candidates = this.blocks.candidates(lookup);
    const result = matchOne(incoming, candidates, model, tf);
    // The strongest candidate the engine would merge with (a stronger one may contradict the
    // contact: a relative sharing the phone), else a new profile.
    return { candidates, result, match: result.candidates.find((s) => s.decision === 'auto-merge') };
  }

  /** An item not linked yet: its named profile, else its contact resolved. */
  private async decide(
    item: Item,
    named: Customer | undefined,
    prepared: Prepared | undefined,
  ): Promise<Outcome> {
    const outcome: Outcome = { drafts: [], events: [] };
    const at = this.ctx.now;
    if (named) {
      if (item.orderId) {
        outcome.link = { ...newLink(item.orderId, item.site, at), customerId: named.id, decision: 'named' };
      }
    } else if (prepared) {
      const resolution = await this.resolve(prepared, item, outcome);
      outcome.resolution = resolution;
      if (item.orderId) {
        const { best } = resolution;
        outcome.link = {
          ...newLink(item.orderId, item.site, at),
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
        };
      }
    }
    outcome.made = outcome.link !== undefined;
    return outcome;
  }

  /** Decides a contact (see IdentityResolver); its suggestions are filed with the batch's. */
  private async resolve(prepared: Prepared, item: Item, outcome: Outcome): Promise<Resolution> {
    const { input, incoming, model } = prepared;
    const site = incoming.site;
    const { candidates, result, match } = this.match(prepared);
    const draft = (score: PairScore): SuggestionDraft => ({
      site,
      score,
      origin: 'ingestion',
      ...(item.orderId ? { orderId: item.orderId } : {}),
    });
    const target = match ? await this.current(match.bId) : undefined;
    if (match && target) {
      const edit = contactAdditions(target.state, input, this.ctx);
      if (edit) this.change(edit, target.version + 1, item, outcome);
      // Other candidates worth a look are possible duplicates of the profile matched.
      const byId = new Map(candidates.map((c) => [c.id, c]));
      const matched: NormalisedRecord = { ...byId.get(match.bId)!, id: target.state.id };
      outcome.drafts = result.candidates
        .filter((s) => s !== match && s.decision !== 'distinct' && s.bId !== target.state.id)
        .map((s) => explainPair(matched, byId.get(s.bId)!, model.model, { tf: model.tf }))
        .filter((score) => score.decision !== 'distinct')
        .map(draft);
      return { customerId: target.state.id, decision: 'matched', best: match, suggestionIds: [] };
    }
    const plan = planCustomerCreate({ site, ...input }, this.ctx, incoming.id);
    this.change(plan, 1, item, outcome);
    outcome.drafts = result.candidates.filter((s) => s.decision !== 'distinct').map(draft);
    return { customerId: incoming.id, decision: 'created', best: result.best, suggestionIds: [] };
  }

  /** A profile made or changed: seen by the next contacts, stored with the batch, its event recorded. */
  private change(plan: PlannedCustomerChange, version: number, item: Item, outcome: Outcome): void {
    this.changes.push({ plan, version });
    this.changed.set(plan.after.id, { state: plan.after, version });
    this.blocks.put(normaliseProfile(plan.after, this.ref));
    outcome.events.push(
      ...customerEventsOf(plan, this.caller, version).map((e) => ({ ...e, headers: item.traceHeaders })),
    );
  }

  /** Stores what the batch decided: profiles, suggestions, links and events, a few statements for all. */
  private async write(items: readonly Item[], outcomes: readonly Outcome[]): Promise<void> {
    await storeProfileChanges(this.em, this.changes, this.caller, this.ref);
    const filed = await fileBatchSuggestions(
      this.em,
      outcomes.map((o) => o.drafts),
    );
    const made: OrderLinkView[] = [];
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.resolution) outcome.resolution.suggestionIds = filed[i];
      const { link } = outcome;
      if (!outcome.made || !link) continue;
      if (filed[i].length) link.suggestionIds = filed[i];
      made.push(link);
      outcome.events.push({
        ...orderLinkedEvent({
          orderId: link.orderId,
          site: link.site,
          customerId: link.customerId,
          previousCustomerId: items[i].namedCustomerId,
          decision: link.decision,
          weight: link.weight,
          suggestionIds: link.suggestionIds,
          caller: this.caller,
          at: link.linkedAt,
        }),
        headers: items[i].traceHeaders,
      });
    }
    await insertLinksAndEvents(
      this.em,
      made,
      outcomes.flatMap((o) => o.events),
    );
  }
}

/** A new link of an order, before its profile is known. */
function newLink(orderId: string, site: string, at: Date) {
  return { orderId, site, linkedAt: at, updatedAt: at };
}

/**
 * Files the suggestions of a batch's contacts in one statement, as filing each contact's in turn
 * would: a pair drafted again later in the batch keeps its first drafting (id, order) with the
 * last score. Returns each contact's open suggestions, in pair order.
 */
async function fileBatchSuggestions(
  em: EntityManager,
  drafts: readonly SuggestionDraft[][],
): Promise<string[][]> {
  const pairOf = (d: SuggestionDraft) => {
    const { a, b } = storedPair(d.score);
    return `${a}|${b}`;
  };
  const byPair = new Map<string, SuggestionDraft>();
  for (const d of drafts.flat()) {
    const first = byPair.get(pairOf(d));
    byPair.set(pairOf(d), first ? { ...first, score: d.score } : d);
  }
  const ids = await fileSuggestions(em, [...byPair.values()]);
  if (ids.length === 0) return drafts.map(() => []);
  const filed = new Map(
    (
      await executeBound<{ id: string; a: string; b: string }[]>(
        em,
        `select id, customer_a as a, customer_b as b from customer_match_suggestions
         where id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))`,
        [JSON.stringify(ids)],
      )
    ).map((r) => [`${r.a}|${r.b}`, r.id]),
  );
  return drafts.map((list) => [...new Set(list.map(pairOf))].sort().flatMap((pair) => filed.get(pair) ?? []));
}

const LINK_COLUMNS = {
  order_id: 'uuid',
  site: 'text',
  customer_id: 'uuid',
  decision: 'text',
  candidate_id: 'uuid',
  weight: 'float8',
  candidate_decision: 'text',
  contributions: 'jsonb',
  contradictions: 'text[]',
  suggestion_ids: 'text[]',
  linked_at: 'timestamptz',
  updated_at: 'timestamptz',
};

/** New links and the events of the batch, in one statement. */
async function insertLinksAndEvents(
  em: EntityManager,
  links: readonly OrderLinkView[],
  events: OutboxEvent[],
): Promise<void> {
  const linked = links.length ? recordsetInsert('customer_order_links', LINK_COLUMNS, links) : undefined;
  const outbox = events.length ? outboxInsert(events) : undefined;
  if (!linked && !outbox) return;
  // The outbox insert ends in its FROM clause: it goes last, after the links' CTE.
  const sql = linked && outbox ? `with linked as (${linked.sql}) ${outbox.sql}` : (linked ?? outbox)!.sql;
  await executeBound(
    em,
    sql,
    [linked?.param, outbox?.param].filter((p) => p !== undefined),
  );
  if (outbox) eventsRecordedIn(em);
}

/**
 * The contact's phones and emails the profile lacks, and its names where the profile has none, as
 * an edit through the profile's own rules; undefined when there is nothing to add or the result
 * would break the rules (a profile at its limit of phones): the profile is then left as it is.
 */
function contactAdditions(
  before: CustomerState,
  input: ProfileInput,
  ctx: CommandContext,
): PlannedCustomerChange | undefined {
  const json = toInputJson(before) as { phones: string[]; emails: string[] } & Record<string, unknown>;
  const mask: string[] = [];
  const region = siteRegion(ctx.ref, before.site);
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
  if (mask.length === 0) return undefined;
  try {
    const plan = planCustomerEdit(before, json, mask, ctx);
    return plan.noop ? undefined : plan;
  } catch (e) {
    if (e instanceof ValidationError) return undefined;
    throw e;
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

/** The customer.order-linked of one change of an order's link, keyed by the order. */
export interface OrderLinkChange {
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
}

export function orderLinkedEvent(e: OrderLinkChange): OutboxEvent {
  return {
    definition: CustomerOrderLinkedV1 as EventDefinition<unknown>,
    envelope: CustomerOrderLinkedV1.create(
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
    ) as EventEnvelope,
  };
}

/** Records customer.order-linked for one change of an order's link. */
export async function emitOrderLinked(em: EntityManager, e: OrderLinkChange): Promise<void> {
  await recordEvents(em, [orderLinkedEvent(e)]);
}
