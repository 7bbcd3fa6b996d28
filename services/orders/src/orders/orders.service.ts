import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import {
  ConflictError,
  NotFoundError,
  SYSTEM_SOURCE,
  ValidationError,
  newId,
  type Money,
  type OrderJson,
} from '@openretail/contracts';
import {
  eventsCommitted,
  eventsRecordedIn,
  injectTraceHeaders,
  outboxInsert,
  recordEvents,
  type OutboxEvent,
} from '@openretail/messaging';
import { GroupCommit, executeBound, readVisibleHistory } from '@openretail/persistence';
import { OrderHistoryEntry } from '../history/order-history.entity';
import { attentionConditions, type AttentionKind } from '../overdue/attention';
import { deadlineScheduler } from '../overdue/deadline-scheduler';
import type { HistoryChange } from '../history/history';
import { ReferenceDataService } from '../reference-data/reference-data.service';
import type { ReferenceData } from '../reference-data/reference-data';
import { planCombine, type CombineRequest } from './combine';
import {
  canAccessSite,
  orderTotals,
  planCommand,
  planOrThrow,
  throwProblems,
  type Caller,
  type CommandContext,
  type OrderCommand,
  type PlannedChange,
  type Problem,
} from './order-commands';
import { fromDocument, toDocument, type OrderDocument } from './order-document';
import { eventsOf, orderSummary } from './order-events';
import type { OrderState } from './order-state';
import { OrderCommandKey } from './command-key.entity';
import { Order } from './order.entity';

export type OrderKey =
  | { id: string }
  | { site: string; externalId: string }
  | { numericId: number }
  /** The order holding a payment, by the payment's numeric id or (when only one order has it) external id. */
  | { paymentNumericId: number }
  | { paymentExternalId: string };

/** An order as the service hands it out: plain data, never an entity. */
export interface OrderView {
  order: OrderState;
  statusGroup: string;
  totals: { items: Money; total: Money; paid: Money; due: Money };
  version: number;
}

export interface OrderFilter {
  sites?: string[];
  statuses?: string[];
  statusGroups?: string[];
  managerId?: string;
  customerId?: string;
  query?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Any of these orders, by id, numeric id, external id or number. */
  ids?: string[];
  numericIds?: number[];
  externalIds?: string[];
  numbers?: string[];
  email?: string;
  afterNumericId?: number;
  /** Only orders over their status time limit, or open for longer than their site's stale age. */
  attention?: AttentionKind;
  pageSize?: number;
  pageToken?: string;
  /** Orders to skip, for page-numbered clients (not with pageToken). */
  offset?: number;
  countTotal?: boolean;
}

export interface HistoryQuery {
  afterId: number;
  orderId?: string;
  sites?: string[];
  limit?: number;
  /** Entries recorded at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  countTotal?: boolean;
}

export interface CheckResult {
  allowed: boolean;
  problems: Problem[];
  view?: OrderView;
}

/** What the dry run gets: a command and, except for a create, the order it is about. */
export type CheckRequest =
  | { command: Extract<OrderCommand, { kind: 'create' }> }
  | { key: OrderKey; command: Exclude<OrderCommand, { kind: 'create' }> };

/**
 * Runs order commands: loads the order (locked), lets the domain plan the change, and stores the
 * new state, its history entries and its events in one transaction. Entities never leave this
 * class; callers get OrderViews.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orm: MikroORM,
    private readonly referenceData: ReferenceDataService,
  ) {}

  /**
   * Concurrent creates are written together (see GroupCommit): two statements per batch instead of
   * two per order. Two batches in flight keep the database busy while the next one gathers.
   */
  private readonly creates = new GroupCommit<CreateRequest, OrderView>((batch) => this.createBatch(batch), {
    maxBatch: 64,
    maxInFlight: 2,
  });

  /**
   * Creates an order. A retry with the same idempotency key or externalId and the same content
   * returns the order created first; the same key with different content is a conflict.
   * Concurrent duplicates meet at the unique indexes.
   */
  async create(order: OrderJson, caller: Caller, idempotencyKey?: string): Promise<OrderView> {
    const ref = await this.referenceData.get();
    const key = checkIdempotencyKey(idempotencyKey);
    const draft = {
      site: order.site ?? '',
      externalId: order.externalId || undefined,
      key,
      fingerprint: fingerprintOf(order),
    };
    // The batch runs outside this request's trace context: its events keep this one's.
    return this.creates.submit({ order, caller, ref, draft, traceHeaders: injectTraceHeaders() });
  }

  /**
   * One batch of creates: the next numbers and any earlier attempts of every request in one read,
   * then every new order with its history, events and deadlines in one statement (atomic without a
   * transaction). Each request gets its view, or the error it alone failed with.
   */
  private async createBatch(requests: CreateRequest[]): Promise<Array<OrderView | Error>> {
    const em = this.orm.em.fork();
    // OFFSET 0 keeps the lookup a per-request index probe: flattened, the planner knows nothing of
    // the JSON rows and hash-joins them against a scan of every order (measured: 30 ms at 30k orders).
    const found = await executeBound<(DuplicateRow & { i: number; next: string })[]>(
      em,
      `with d as materialized (
         select d.i, d.site, d.key, d.external_id, nextval('order_number_seq')::text as next
         from jsonb_to_recordset(?::jsonb) as d(i int, site text, key text, external_id text)
       )
       select d.i, d.next, o.idempotency_key, o.request_fingerprint, o.version, o.document
       from d left join lateral (
         select * from orders o
         where o.site = d.site and (o.idempotency_key = d.key or o.external_id = d.external_id)
         offset 0
       ) o on true`,
      [
        JSON.stringify(
          requests.map(({ draft }, i) => ({
            i,
            site: draft.site,
            key: draft.key,
            external_id: draft.externalId,
          })),
        ),
      ],
    );
    const paymentIds = await this.allocatePaymentIds(
      em,
      requests.reduce((n, { order }) => n + paymentsIn(order), 0),
    );
    const results: Array<OrderView | Error | undefined> = requests.map(() => undefined);
    const planned: Array<{ i: number; request: CreateRequest; plan: PlannedChange; view: OrderView }> = [];
    requests.forEach((request, i) => {
      const { draft, ref, caller, order } = request;
      try {
        const rows = found.filter((row) => row.i === i);
        const existing = this.duplicateOf(rows[0].request_fingerprint ? rows : [], draft, ref, caller);
        if (existing) return void (results[i] = existing);
        const site = ref.site(draft.site);
        const identity = {
          id: newId(),
          number: (site?.orderNumberFormat ?? '{n}').replace('{n}', rows[0].next),
          numericId: Number(rows[0].next),
        };
        const ctx = this.context(ref, caller, paymentIds);
        const plan = planOrThrow(undefined, { kind: 'create', order }, ctx, identity);
        planned.push({ i, request, plan, view: viewOf(ref, plan.after, 1) });
      } catch (error) {
        results[i] = asError(error);
      }
    });
    const inserted = await this.insertNew(em, planned);
    for (const { i, request, plan, view } of planned) {
      if (inserted.has(plan.after.id)) {
        results[i] = view;
        continue;
      }
      // A concurrent attempt of the same request got in first (or the key was used for another one).
      const { draft, ref, caller } = request;
      results[i] = await this.findDuplicate(em, draft, ref, caller).then(
        (raced) =>
          raced ?? new ConflictError(`order ${plan.after.number} could not be created: retry the request`),
        asError,
      );
    }
    return results as Array<OrderView | Error>;
  }

  /** Applies an edit, status change or payment command to an existing order. */
  async execute(
    key: OrderKey,
    command: Exclude<OrderCommand, { kind: 'create' }>,
    caller: Caller,
    options: { expectedVersion?: number; idempotencyKey?: string } = {},
  ): Promise<OrderView> {
    const ref = await this.referenceData.get();
    const { expectedVersion } = options;
    const commandKey = checkIdempotencyKey(options.idempotencyKey);
    return this.orm.em.fork().transactional(async (em) => {
      const row = await this.load(em, key, caller, LockMode.PESSIMISTIC_WRITE);
      // Checked under the row lock: a concurrent duplicate waits for the first attempt and sees its key.
      if (commandKey && (await this.seenCommand(em, row.id, commandKey, fingerprintOf(command)))) {
        return viewOf(ref, fromDocument(row.document as OrderDocument), row.version);
      }
      if (expectedVersion !== undefined && row.version !== expectedVersion) {
        throw new ConflictError(
          `order ${row.number} is at version ${row.version}, not ${expectedVersion}: reload it and apply your change again`,
        );
      }
      const before = fromDocument(row.document as OrderDocument);
      const paymentIds = await this.allocatePaymentIds(em, command.kind === 'payment-add' ? 1 : 0);
      const plan = planOrThrow(before, command, this.context(ref, caller, paymentIds));
      if (plan.noop) return viewOf(ref, before, row.version);
      return this.store(em, ref, plan, caller, row);
    });
  }

  /**
   * Points orders at the customer profiles the customers service decided on (identity resolution, a
   * merge or its undo), in the caller's transaction: changes of their own, outside the command
   * pipeline (no validation rule or status matrix is about them), recorded like any other with a
   * history entry (source system) and order.updated. Each link applies only while its order still
   * points at `expected` (undefined: at no customer), so that a change made in between (a
   * manager's) is kept; links of one order apply in the order given. A consumer's whole batch is one
   * read and one write. Answers how many links changed an order.
   */
  async linkCustomers(em: EntityManager, links: readonly CustomerLink[]): Promise<number> {
    if (links.length === 0) return 0;
    const rows = await this.lockForRelink(em, `id = any(${JSON_ARRAY}::uuid[])`, [
      JSON.stringify([...new Set(links.map((l) => l.orderId))]),
    ]);
    return this.relink(em, rows, links);
  }

  /**
   * Customers merged into `survivorId`: their orders point at it, except `skip` (the orders whose
   * move comes with a customer link event of its own). Answers how many orders changed.
   */
  async repointCustomers(
    em: EntityManager,
    mergedIds: readonly string[],
    survivorId: string,
    skip: readonly string[],
  ): Promise<number> {
    const rows = await this.lockForRelink(
      em,
      `customer_id = any(${JSON_ARRAY}) and not id = any(${JSON_ARRAY}::uuid[])`,
      [JSON.stringify(mergedIds), JSON.stringify(skip)],
    );
    return this.relink(
      em,
      rows,
      [...rows].map(([orderId, { current }]) => ({
        orderId,
        customerId: survivorId,
        expected: current.customer.customerId,
      })),
    );
  }

  /** The orders of a relink, locked in id order (two batches cannot deadlock), with their current state. */
  private async lockForRelink(
    em: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<Map<string, RelinkedOrder>> {
    const rows = await executeBound<{ id: string; version: string; document: OrderDocument }[]>(
      em,
      `select id, version, document from orders where ${where} order by id for update`,
      params,
    );
    return new Map(
      rows.map((row) => {
        const state = fromDocument(row.document);
        return [row.id, { version: Number(row.version), current: state }];
      }),
    );
  }

  /**
   * Applies the links to the locked orders in memory, in order (an order changed twice
   * gets both entries and events, and its last state), then writes every order, history entry and
   * event in one statement. The status does not change, so deadlines stay as they are.
   */
  private async relink(
    em: EntityManager,
    orders: Map<string, RelinkedOrder>,
    links: readonly CustomerLink[],
  ): Promise<number> {
    const ref = await this.referenceData.get();
    const history: Record<string, unknown>[] = [];
    const events: OutboxEvent[] = [];
    const changed = new Map<string, { after: OrderState; view: OrderView }>();
    for (const { orderId, customerId, expected } of links) {
      const order = orders.get(orderId);
      if (!order) continue;
      const before = order.current;
      const previous = before.customer.customerId;
      if (previous !== expected || previous === customerId) continue;
      const after: OrderState = {
        ...before,
        customer: { ...before.customer, customerId },
        updatedAt: new Date(),
      };
      const plan: PlannedChange = {
        command: { kind: 'edit', order: {}, mask: ['customer.customerId'] },
        before,
        after,
        noop: false,
        history: [{ field: 'customer.customerId', oldValue: previous ?? null, newValue: customerId }],
      };
      order.version++;
      order.current = after;
      const view = viewOf(ref, after, order.version);
      for (const change of plan.history)
        history.push(snakeCase(historyRow(after, change, SYSTEM_CALLER, order.version)));
      const summary = orderSummary(ref, after, view.totals, order.version);
      events.push(...eventsOf(plan, ref, summary, SYSTEM_CALLER, after.updatedAt));
      changed.set(orderId, { after, view });
    }
    if (changed.size === 0) return 0;
    const rows = [...changed.entries()].map(([id, { after, view }]) => ({
      id,
      ...snakeCase(orderColumns(ref, after, view)),
    }));
    const columns = Object.keys(rows[0]).filter((c) => c !== 'id');
    const outbox = outboxInsert(events);
    await executeBound(
      em,
      `with u as (
         update orders o set (${columns.join(', ')}) = (${columns.map((c) => `r.${c}`).join(', ')})
         from jsonb_populate_recordset(null::orders, ?::jsonb) r where o.id = r.id
       ), h as (${HISTORY_INSERT})
       ${outbox.sql}`,
      [JSON.stringify(rows), JSON.stringify(history), outbox.param],
    );
    eventsRecordedIn(em);
    return history.length;
  }

  /**
   * Combines the order `key` into the order `into` (see combine.ts): both change in one transaction,
   * each with its history and events. A repeated combine answers both orders as they are.
   */
  async combine(
    key: OrderKey,
    into: OrderKey,
    request: CombineRequest,
    caller: Caller,
  ): Promise<{ result: OrderView; combined: OrderView }> {
    const ref = await this.referenceData.get();
    // Both rows are locked in id order, so that two combines of one pair cannot deadlock.
    const lookup = this.orm.em.fork();
    const combinedId = (await this.load(lookup, key, caller)).id;
    const intoId = (await this.load(lookup, into, caller)).id;
    return this.orm.em.fork().transactional(async (em) => {
      const rows = await em.find(
        Order,
        { id: { $in: [combinedId, intoId] } },
        { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
      );
      const combinedRow = rows.find((r) => r.id === combinedId)!;
      const intoRow = rows.find((r) => r.id === intoId)!;
      const combined = fromDocument(combinedRow.document as OrderDocument);
      const result = planCombine(
        combined,
        fromDocument(intoRow.document as OrderDocument),
        request,
        this.context(ref, caller),
      );
      if (!result.ok) throwProblems(result.problems);
      const { plan } = result;
      if (plan.noop) {
        return {
          result: viewOf(ref, plan.result.after, intoRow.version),
          combined: viewOf(ref, plan.combined.after, combinedRow.version),
        };
      }
      return {
        result: await this.store(em, ref, plan.result, caller, intoRow),
        combined: await this.store(em, ref, plan.combined, caller, combinedRow),
      };
    });
  }

  /** Numeric ids for new payments, from their installation-wide sequence (none: no round trip). */
  private async allocatePaymentIds(em: EntityManager, count: number): Promise<number[]> {
    if (count === 0) return [];
    const rows = await em.execute<{ id: string }[]>(
      `select nextval('payment_numeric_id_seq') as id from generate_series(1, ?)`,
      [count],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Whether this key was used on the order before, for the same request; a conflict if for another. */
  private async seenCommand(
    em: EntityManager,
    orderId: string,
    key: string,
    fingerprint: string,
  ): Promise<boolean> {
    const used = await em.findOne(OrderCommandKey, { orderId, key });
    if (used && used.fingerprint !== fingerprint) {
      throw new ConflictError(
        `idempotency key ${key} was already used for a different request on this order`,
      );
    }
    if (!used) em.create(OrderCommandKey, { orderId, key, fingerprint, createdAt: new Date() });
    return used !== null;
  }

  /** Dry run: whether the command would pass, every problem if not, and the order it would make. */
  async check(request: CheckRequest, caller: Caller): Promise<CheckResult> {
    const ref = await this.referenceData.get();
    const ctx = this.context(ref, caller);
    let before: OrderState | undefined;
    let version = 0;
    if ('key' in request) {
      const row = await this.load(this.orm.em.fork(), request.key, caller);
      before = fromDocument(row.document as OrderDocument);
      version = row.version;
    }
    const identity = before ? undefined : { id: newId(), number: '(new)' };
    const result = planCommand(before, request.command, ctx, identity);
    if (!result.ok) return { allowed: false, problems: result.problems };
    const { after, noop } = result.plan;
    return { allowed: true, problems: [], view: viewOf(ref, after, noop ? version : version + 1) };
  }

  async get(key: OrderKey, caller: Caller): Promise<OrderView> {
    const ref = await this.referenceData.get();
    const row = await this.load(this.orm.em.fork(), key, caller);
    return viewOf(ref, fromDocument(row.document as OrderDocument), row.version);
  }

  /** Orders newest first, paged by (createdAt, id) so that new orders never shift a page. */
  async list(
    filter: OrderFilter,
    caller: Caller,
  ): Promise<{ views: OrderView[]; nextPageToken?: string; totalCount?: number }> {
    const ref = await this.referenceData.get();
    const pageSize = checkPageSize(filter.pageSize, 20, 100, 'pageSize');
    const and: FilterQuery<Order>[] = [{ site: { $in: this.readableSites(filter.sites, caller, ref) } }];
    if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
    if (filter.statusGroups?.length) and.push({ statusGroup: { $in: filter.statusGroups } });
    if (filter.managerId) and.push({ managerId: filter.managerId });
    if (filter.customerId) and.push({ customerId: filter.customerId });
    if (filter.query) {
      const q = filter.query.trim();
      and.push({ $or: [{ number: q }, { externalId: q }, { phone: q }, { email: q.toLowerCase() }] });
    }
    if (filter.createdFrom) and.push({ createdAt: { $gte: filter.createdFrom } });
    if (filter.createdTo) and.push({ createdAt: { $lt: filter.createdTo } });
    const anyOf: FilterQuery<Order>[] = [];
    if (filter.ids?.length) anyOf.push({ id: { $in: filter.ids.filter(isUuid) } });
    if (filter.numericIds?.length) anyOf.push({ numericId: { $in: filter.numericIds } });
    if (filter.externalIds?.length) anyOf.push({ externalId: { $in: filter.externalIds } });
    if (filter.numbers?.length) anyOf.push({ number: { $in: filter.numbers } });
    if (anyOf.length > 0) and.push({ $or: anyOf });
    if (filter.email) and.push({ email: filter.email.trim().toLowerCase() });
    if (filter.afterNumericId) and.push({ numericId: { $gt: filter.afterNumericId } });
    if (filter.attention) {
      const arms = attentionConditions(ref, filter.attention, new Date()).map((c) => ({
        ...(c.status ? { status: c.status } : {}),
        ...(c.site ? { site: c.site } : {}),
        ...(c.openOnly ? { final: false } : {}),
        [c.column]: { $lt: c.before },
      }));
      // No status with a time limit: nothing can be overdue.
      and.push(arms.length > 0 ? { $or: arms } : { id: null });
    }
    const offset = checkOffset(filter.offset, filter.pageToken);
    const totalCount = filter.countTotal ? await this.orm.em.fork().count(Order, { $and: and }) : undefined;
    if (filter.pageToken) {
      const after = decodePageToken(filter.pageToken);
      and.push({
        $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, id: { $lt: after.id } }],
      });
    }
    const rows = await this.orm.em
      .fork()
      .find(
        Order,
        { $and: and },
        { orderBy: { createdAt: 'desc', id: 'desc' }, limit: pageSize + 1, offset },
      );
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      views: page.map((row) => viewOf(ref, fromDocument(row.document as OrderDocument), row.version)),
      nextPageToken: rows.length > pageSize ? encodePageToken(last.createdAt, last.id) : undefined,
      totalCount,
    };
  }

  /** History entries after a cursor, oldest first, never skipping one that commits late. */
  async history(query: HistoryQuery, caller: Caller) {
    const ref = await this.referenceData.get();
    const limit = checkPageSize(query.limit, 100, 1000, 'limit');
    if (!Number.isSafeInteger(query.afterId) || query.afterId < 0) {
      throw ValidationError.field('afterId', 'must be a whole number, 0 or more');
    }
    const em = this.orm.em.fork();
    const sites = this.readableSites(query.sites, caller, ref);
    const window =
      query.from || query.to
        ? { at: { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) } }
        : {};
    const matching: FilterQuery<OrderHistoryEntry> = { site: { $in: sites }, ...window };
    const totalCount = query.countTotal
      ? await em.count(OrderHistoryEntry, {
          id: { $gt: query.afterId },
          ...matching,
          ...(query.orderId ? { orderId: query.orderId } : {}),
        })
      : undefined;
    if (query.orderId) {
      await this.load(em, { id: query.orderId }, caller);
      // Per order the cursor is exact: the order's row lock orders its writers.
      const entries = await em.find(
        OrderHistoryEntry,
        { id: { $gt: query.afterId }, orderId: query.orderId, ...window },
        { orderBy: { id: 'asc' }, limit },
      );
      return { entries, lastId: entries.at(-1)?.id ?? query.afterId, totalCount };
    }
    // Across orders gaps may still fill: judged on every site's ids (see readVisibleHistory).
    const { entries, lastId } = await readVisibleHistory({
      afterId: query.afterId,
      limit,
      scan: (afterId, wanted) =>
        this.orm.em
          .fork()
          .find(OrderHistoryEntry, { id: { $gt: afterId } }, { orderBy: { id: 'asc' }, limit: wanted }),
      isVisible: (e) =>
        sites.includes(e.site) && (!query.from || e.at >= query.from) && (!query.to || e.at < query.to),
    });
    return { entries, lastId, totalCount };
  }

  /**
   * What the domain plans with. `paymentIds` are numeric ids allocated for the payments the command
   * makes; without them (a dry run) new payments get none.
   */
  private context(ref: ReferenceData, caller: Caller, paymentIds?: number[]): CommandContext {
    const newPaymentId = paymentIds
      ? () => {
          const id = paymentIds.shift();
          if (id === undefined) throw new Error('no numeric id was allocated for a new payment');
          return id;
        }
      : undefined;
    return { ref, caller, now: new Date(), newId, ...(newPaymentId ? { newPaymentId } : {}) };
  }

  /** The sites a read covers: those asked for (each must be readable) or every readable one. */
  private readableSites(asked: string[] | undefined, caller: Caller, ref: ReferenceData): string[] {
    if (asked?.length) {
      const denied = asked.filter((s) => !canAccessSite(caller, s));
      if (denied.length > 0)
        throw ValidationError.field('sites', `no access to site(s) ${denied.join(', ')}`);
      return asked;
    }
    return caller.sites === 'all' ? ref.data.sites.map((s) => s.code) : [...caller.sites];
  }

  /** The order row; NotFound also when the caller may not see its site, so ids of other sites do not leak. */
  private async load(
    em: EntityManager,
    key: OrderKey,
    caller: Caller,
    lockMode?: LockMode.PESSIMISTIC_WRITE,
  ): Promise<Order> {
    if ('id' in key && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(key.id)) {
      throw ValidationError.field('id', 'must be a UUID');
    }
    if ('paymentExternalId' in key)
      return this.loadByPaymentExternalId(em, key.paymentExternalId, caller, lockMode);
    const where: FilterQuery<Order> =
      'id' in key
        ? { id: key.id }
        : 'numericId' in key
          ? { numericId: key.numericId }
          : 'paymentNumericId' in key
            ? { paymentIds: { $contains: [key.paymentNumericId] } }
            : { site: key.site, externalId: key.externalId };
    const row = await em.findOne(Order, where, lockMode ? { lockMode } : {});
    if (!row || !canAccessSite(caller, row.site)) {
      const name =
        'id' in key
          ? key.id
          : 'numericId' in key
            ? `#${key.numericId}`
            : 'paymentNumericId' in key
              ? `with payment #${key.paymentNumericId}`
              : `${key.site}/${key.externalId}`;
      throw new NotFoundError(`order ${name} not found`);
    }
    return row;
  }

  /** The one order the caller may read with a payment of this external id (unique per order only). */
  private async loadByPaymentExternalId(
    em: EntityManager,
    externalId: string,
    caller: Caller,
    lockMode?: LockMode.PESSIMISTIC_WRITE,
  ): Promise<Order> {
    const ref = await this.referenceData.get();
    const rows = await em.find(
      Order,
      {
        paymentExternalIds: { $contains: [externalId] },
        site: { $in: this.readableSites(undefined, caller, ref) },
      },
      { limit: 2, ...(lockMode ? { lockMode } : {}) },
    );
    if (rows.length === 0) throw new NotFoundError(`no order has a payment with externalId ${externalId}`);
    if (rows.length > 1) {
      throw ValidationError.field(
        'key.payment.externalId',
        `orders ${rows.map((r) => r.number).join(' and ')} both have a payment with externalId ${externalId}: name the order`,
      );
    }
    return rows[0];
  }

  /**
   * Stores new orders, their history entries, events and deadlines in one statement: atomic without
   * a transaction, and one round trip. An order whose keys are taken (ON CONFLICT) is skipped with
   * everything that belongs to it. Answers the ids of the orders stored.
   */
  private async insertNew(
    em: EntityManager,
    planned: Array<{ request: CreateRequest; plan: PlannedChange; view: OrderView }>,
  ): Promise<Set<string>> {
    if (planned.length === 0) return new Set();
    const rows = planned.map(({ request: { ref, draft }, plan: { after }, view }) => ({
      ...snakeCase(orderColumns(ref, after, view)),
      id: after.id,
      numeric_id: after.numericId,
      site: after.site,
      number: after.number,
      currency: after.currency,
      idempotency_key: draft.key ?? null,
      request_fingerprint: draft.fingerprint,
      created_at: after.createdAt,
    }));
    // Named, not *: a column this statement does not know keeps its default.
    const columns = Object.keys(rows[0]).join(', ');
    const history = planned.flatMap(({ request: { caller }, plan }) =>
      plan.history.map((change) => snakeCase(historyRow(plan.after, change, caller, 1))),
    );
    const outbox = outboxInsert(
      planned.flatMap(({ request: { ref, caller, traceHeaders }, plan, view }) => {
        const summary = orderSummary(ref, plan.after, view.totals, 1);
        return eventsOf(plan, ref, summary, caller, plan.after.updatedAt).map((e) => ({
          ...e,
          headers: traceHeaders,
        }));
      }),
    );
    const deadlines = deadlineScheduler.insertForNewOrders(
      planned.map(({ request: { ref }, plan: { after } }) => ({ ref, order: after })),
    );
    const inserted = await executeBound<{ id: string }[]>(
      em,
      `with o as (
         insert into orders (${columns}) select ${columns} from jsonb_populate_recordset(null::orders, ?::jsonb)
         on conflict do nothing returning id
       ), h as (
         ${HISTORY_INSERT} where r.order_id in (select id from o)
       ), x as (${outbox.sql} where e.message_key in (select id::text from o)
       ), d as (${deadlines.sql} where p.order_id in (select id from o))
       select id from o`,
      [JSON.stringify(rows), JSON.stringify(history), outbox.param, deadlines.param],
    );
    if (inserted.length > 0) eventsCommitted(this.orm);
    return new Set(inserted.map((row) => row.id));
  }

  /** Writes the planned state, its history and its events; the row's version goes up by one. */
  private async store(
    em: EntityManager,
    ref: ReferenceData,
    plan: PlannedChange,
    caller: Caller,
    row: Order,
  ): Promise<OrderView> {
    const { after } = plan;
    const version = row.version + 1;
    const view = viewOf(ref, after, version);
    em.assign(row, { ...orderColumns(ref, after, view), version });
    for (const change of plan.history)
      em.create(OrderHistoryEntry, historyRow(after, change, caller, version));
    await deadlineScheduler.schedule(em, ref, after, plan.before);
    const summary = orderSummary(ref, after, view.totals, version);
    await recordEvents(em, eventsOf(plan, ref, summary, caller, after.updatedAt));
    return view;
  }

  /** The order an earlier attempt of this request created, after a create lost a race at the unique indexes. */
  private async findDuplicate(
    em: EntityManager,
    draft: DuplicateDraft,
    ref: ReferenceData,
    caller: Caller,
  ): Promise<OrderView | undefined> {
    const rows = await em.execute<DuplicateRow[]>(
      `select idempotency_key, request_fingerprint, version, document from orders
       where site = ? and (idempotency_key = ? or external_id = ?)`,
      [draft.site, draft.key ?? null, draft.externalId ?? null],
    );
    return this.duplicateOf(rows, draft, ref, caller);
  }

  /** The earlier order of the same request, if any; a conflict if either key was used for different content. */
  private duplicateOf(
    rows: DuplicateRow[],
    draft: DuplicateDraft,
    ref: ReferenceData,
    caller: Caller,
  ): OrderView | undefined {
    if (rows.length === 0 || !canAccessSite(caller, draft.site)) return undefined;
    for (const row of rows) {
      if (row.request_fingerprint === draft.fingerprint) continue;
      throw new ConflictError(
        draft.key && row.idempotency_key === draft.key
          ? `idempotency key ${draft.key} was already used for a different request`
          : `an order with externalId ${draft.externalId} already exists on site ${draft.site}`,
      );
    }
    return viewOf(ref, fromDocument(rows[0].document), Number(rows[0].version));
  }
}

interface CreateRequest {
  order: OrderJson;
  caller: Caller;
  ref: ReferenceData;
  draft: DuplicateDraft;
  traceHeaders: Record<string, string>;
}

interface DuplicateDraft {
  site: string;
  externalId?: string;
  key?: string;
  fingerprint: string;
}

/** What a duplicate check reads of an order, as PostgreSQL returns it. */
interface DuplicateRow {
  idempotency_key: string | null;
  request_fingerprint: string | null;
  version: string;
  document: OrderDocument;
}

/** The platform itself acting on orders (the customers service's links): history says 'system'. */
const SYSTEM_CALLER: Caller = { source: SYSTEM_SOURCE, groups: [], sites: 'all', permissions: [] };

export function viewOf(ref: ReferenceData, order: OrderState, version: number): OrderView {
  return {
    order,
    statusGroup: ref.groupOf(order.status)?.code ?? '',
    totals: orderTotals(ref, order),
    version,
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  if (key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw ValidationError.field(
      'idempotencyKey',
      'must be 1 to 255 printable ASCII characters without spaces',
    );
  }
  return key;
}

function checkPageSize(value: number | undefined, fallback: number, max: number, field: string): number {
  if (!value) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw ValidationError.field(field, `must be from 1 to ${max}`);
  return value;
}

function checkOffset(offset: number | undefined, pageToken: string | undefined): number | undefined {
  if (!offset) return undefined;
  if (!Number.isSafeInteger(offset) || offset < 0) throw ValidationError.field('offset', 'must be 0 or more');
  if (pageToken) throw ValidationError.field('offset', 'give either offset or pageToken');
  return offset;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function encodePageToken(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodePageToken(token: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad token');
    return { createdAt: date, id };
  } catch {
    throw ValidationError.field('pageToken', 'is not a token this API returned');
  }
}

/**
 * Identifies "the same request" for safe retries: what the caller sent, in a canonical
 * form (key order and absent members do not matter).
 */
function fingerprintOf(request: OrderJson | OrderCommand): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The columns beside the document, as the entity names them: what lists and scans filter on. */
function orderColumns(ref: ReferenceData, after: OrderState, view: OrderView) {
  return {
    externalId: after.externalId ?? null,
    status: after.status,
    statusGroup: view.statusGroup,
    final: ref.isFinal(after.status),
    managerId: after.managerId ?? null,
    customerId: after.customer.customerId ?? null,
    phone: after.customer.phones[0] ?? null,
    email: after.customer.email?.toLowerCase() ?? null,
    totalMinor: view.totals.total.amountMinor,
    version: view.version,
    document: toDocument(after),
    updatedAt: after.updatedAt,
    statusUpdatedAt: after.statusUpdatedAt,
    ...paymentKeys(after),
  };
}

/** The payment id columns: null rather than empty, so that an order without payments adds nothing to their indexes. */
function paymentKeys(order: OrderState) {
  const ids = order.payments.flatMap((p) => (p.numericId === undefined ? [] : [p.numericId]));
  const externalIds = order.payments.flatMap((p) => (p.externalId ? [p.externalId] : []));
  return {
    paymentIds: ids.length > 0 ? ids : null,
    paymentExternalIds: externalIds.length > 0 ? externalIds : null,
  };
}

/** How many payments a create asks for, at most as many as an order may have. */
function paymentsIn(order: OrderJson): number {
  return Array.isArray(order.payments) ? Math.min(order.payments.length, 50) : 0;
}

function historyRow(after: OrderState, change: HistoryChange, caller: Caller, version: number) {
  return {
    orderId: after.id,
    site: after.site,
    field: change.field,
    oldValue: change.oldValue,
    newValue: change.newValue,
    userId: caller.userId,
    source: caller.source,
    apiKeyId: caller.apiKeyId,
    orderVersion: version,
    at: after.updatedAt,
  } as OrderHistoryEntry;
}

/**
 * An INSERT of history entries (historyRow, snake_case) from a JSON parameter, for a data-modifying
 * CTE. It ends in its FROM clause (alias r), so the caller may add a WHERE.
 */
const HISTORY_INSERT = `insert into order_history (order_id, site, field, old_value, new_value, user_id, source, api_key_id, order_version, at)
  select order_id, site, field, old_value, new_value, user_id, source, api_key_id, order_version, at
  from jsonb_to_recordset(?::jsonb) as r(order_id uuid, site text, field text, old_value jsonb,
    new_value jsonb, user_id text, source text, api_key_id text, order_version bigint, at timestamptz)`;

/** A text[] from a JSON parameter: the query builder would spread a JS array into a list. */
const JSON_ARRAY = 'array(select jsonb_array_elements_text(?::jsonb))';

/** A customer link to apply to an order while it points at `expected`. */
export interface CustomerLink {
  orderId: string;
  customerId: string;
  expected?: string;
}

/** An order locked for relinking: its state and version as the changes so far left them. */
interface RelinkedOrder {
  version: number;
  current: OrderState;
}

/** camelCase keys to the snake_case column names of a raw statement. */
function snakeCase<T extends object>(value: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );
}
