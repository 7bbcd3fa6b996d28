import {
  EDITABLE_ORDER_FIELDS,
  PermissionDeniedError,
  PreconditionError,
  ValidationError,
  orderInputSchema,
  paymentInputSchema,
  type CombineTechnique,
  type Money,
  type OrderInput,
  type OrderJson,
  type PaymentInput,
  type PaymentJson,
} from '@openretail/contracts';
import { diffOrder, type HistoryChange } from '../history/history';
import type { ReferenceData } from '../reference-data/reference-data';
import { checkStatusChange } from '../status-matrix/status-matrix';
import { amountDue, itemsTotal, validateAmounts } from '../totals/totals';
import { evaluate } from '../validation/engine';
import type { ChangeKind } from '../validation/rules';
import { toInputJson } from './order-document';
import type { Actor, OrderState, PaymentState } from './order-state';
import { referenceViolations } from './reference-checks';

/** Who acts: the actor the rules see, plus the site scope and permissions of the API key. */
export interface Caller extends Actor {
  sites: 'all' | readonly string[];
  permissions: readonly string[];
  /** The API key of the call, recorded with the history it makes. */
  apiKeyId?: string;
}

/** Marking a payment paid is a right of its own, apart from editing payments. */
export const MARK_PAID_PERMISSION = 'payments:mark-paid';

/** A command on an order, with its payload as the caller sent it (public JSON shape, not yet validated). */
export type OrderCommand =
  | { kind: 'create'; order: OrderJson }
  | { kind: 'edit'; order: OrderJson; mask: readonly string[] }
  | { kind: 'status-change'; status: string; cancelReason?: string }
  | { kind: 'payment-add'; payment: PaymentJson }
  | { kind: 'payment-edit'; paymentId: string; payment: PaymentJson; mask: readonly string[] }
  | { kind: 'payment-delete'; paymentId: string };

export interface CommandContext {
  ref: ReferenceData;
  caller: Caller;
  now: Date;
  newId(): string;
  /** The numeric id of a new payment, unique in the installation; absent in a dry run. */
  newPaymentId?(): number;
}

/** What a new order gets from the service rather than from the caller. */
export interface NewOrderIdentity {
  id: string;
  number: string;
  /** The {n} of the number: unique in the installation (absent in a dry run). */
  numericId?: number;
}

/** Why a command is refused; the kind decides the error (see throwProblems). */
export interface Problem {
  kind: 'invalid' | 'forbidden' | 'precondition' | 'rule';
  field?: string;
  reason: string;
  /** The validation rule's code, for rule problems. */
  rule?: string;
  /** A rule that denies the change as a whole rather than pointing at a field. */
  deny?: boolean;
}

/** A combine as each of its two orders sees it (see combine.ts). */
export interface CombineChange {
  kind: 'combine';
  technique: CombineTechnique;
  /** result: the order combined into; combined: the order absorbed and cancelled. */
  role: 'result' | 'combined';
  /** The other order of the combine. */
  other: { id: string; number: string };
  /** The payments that moved from the combined order to the result. */
  movedPaymentIds: string[];
}

export interface PlannedChange {
  command: OrderCommand | CombineChange;
  before?: OrderState;
  after: OrderState;
  /** Nothing would change (a retried status change, an edit to the same values). */
  noop: boolean;
  history: HistoryChange[];
}

export type PlanResult = { ok: true; plan: PlannedChange } | { ok: false; problems: Problem[] };

const CHANGE_KIND: Record<OrderCommand['kind'], ChangeKind> = {
  create: 'create',
  edit: 'edit',
  'status-change': 'status-change',
  'payment-add': 'payment-add',
  'payment-edit': 'payment-edit',
  'payment-delete': 'payment-delete',
};

/** Paths an edit may name besides the top-level editable fields: one level into these groups. */
const NESTED_EDITABLE = new Set(['customer', 'contragent', 'delivery', 'customFields']);
const PAYMENT_FIELDS = new Set(['externalId', 'type', 'status', 'amount', 'paidAt']);

/**
 * Works out what a command does to an order without storing anything: the schema, the site scope,
 * reference codes, amounts, the status matrix, the mark-paid permission and the site's validation
 * rules, every problem of the first failing stage at once. The service executes the plan; the dry
 * run reports the problems.
 */
export function planCommand(
  before: OrderState | undefined,
  command: OrderCommand,
  ctx: CommandContext,
  identity?: NewOrderIdentity,
): PlanResult {
  if (before?.combinedInto) return fail(combinedProblem(before));
  const problems: Problem[] = [];
  const after = buildAfter(before, command, ctx, identity, problems);
  if (!after) return { ok: false, problems };
  problems.push(...paymentExternalIdProblems(before, after, command));
  if (problems.length > 0) return { ok: false, problems };

  if (!canAccessSite(ctx.caller, after.site)) {
    return fail({
      kind: 'forbidden',
      field: 'site',
      reason: `this key has no access to site '${after.site}'`,
    });
  }
  for (const v of [...referenceViolations(ctx.ref, before, after), ...validateAmounts(after)]) {
    problems.push({ kind: 'invalid', ...v });
  }
  if (problems.length > 0) return { ok: false, problems };

  if (command.kind === 'status-change' && before) {
    const check = checkStatusChange(
      ctx.ref,
      before,
      { to: command.status, cancelReason: command.cancelReason },
      ctx.caller,
    );
    if (!check.ok)
      return {
        ok: false,
        problems: check.violations.map(({ kind, field, reason }) => ({ kind, field, reason })),
      };
    if (check.noop) return { ok: true, plan: { command, before, after: before, noop: true, history: [] } };
    after.cancelReason = check.cancelReason;
  }

  const markPaid = paymentsMarkedPaid(ctx.ref, before, after);
  if (markPaid.length > 0 && !ctx.caller.permissions.includes(MARK_PAID_PERMISSION)) {
    return fail(
      ...markPaid.map((field) => ({
        kind: 'forbidden' as const,
        field,
        reason: `marking a payment paid needs the ${MARK_PAID_PERMISSION} permission`,
      })),
    );
  }

  const result = evaluate(ctx.ref.rules, {
    before,
    after,
    change: { kind: CHANGE_KIND[command.kind] },
    actor: ctx.caller,
    statusGroupOf: (status) => ctx.ref.groupOf(status)?.code,
  });
  if (!result.ok) {
    return {
      ok: false,
      problems: result.violations.map((v) => ({
        kind: 'rule' as const,
        field: v.field,
        reason: v.message,
        rule: v.rule,
        deny: v.effect === 'deny',
      })),
    };
  }

  const history = diffOrder(before, after);
  if (before && history.length === 0)
    return { ok: true, plan: { command, before, after: before, noop: true, history } };
  return { ok: true, plan: { command, before, after, noop: false, history } };
}

/** planCommand for execution: the plan, or the error its problems amount to. */
export function planOrThrow(
  before: OrderState | undefined,
  command: OrderCommand,
  ctx: CommandContext,
  identity?: NewOrderIdentity,
): PlannedChange {
  const result = planCommand(before, command, ctx, identity);
  if (!result.ok) throwProblems(result.problems);
  return result.plan;
}

/**
 * The most fundamental kind of problem decides the error: invalid input (400 with every field),
 * then a missing right (403), then the state of the order (422), then the validation rules (a denying
 * rule is 422 with its messages, field rules are 400 naming the fields).
 */
export function throwProblems(problems: Problem[]): never {
  const ofKind = (kind: Problem['kind']) => problems.filter((p) => p.kind === kind);
  const describe = (list: Problem[]) =>
    [...new Set(list.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)))].join('; ');
  const invalid = ofKind('invalid');
  if (invalid.length > 0)
    throw new ValidationError(invalid.map((p) => ({ field: p.field ?? '(order)', reason: p.reason })));
  const forbidden = ofKind('forbidden');
  if (forbidden.length > 0) throw new PermissionDeniedError(describe(forbidden));
  const precondition = ofKind('precondition');
  if (precondition.length > 0) throw new PreconditionError(describe(precondition));
  const rules = ofKind('rule');
  if (rules.some((p) => p.deny)) throw new PreconditionError(describe(rules));
  throw new ValidationError(rules.map((p) => ({ field: p.field ?? '(order)', reason: p.reason })));
}

export function canAccessSite(caller: Pick<Caller, 'sites'>, site: string): boolean {
  return caller.sites === 'all' || caller.sites.includes(site);
}

export function fail(...problems: Problem[]): { ok: false; problems: Problem[] } {
  return { ok: false, problems };
}

/** A combined order lives on in the order it was combined into: it changes no more. */
export function combinedProblem(order: OrderState): Problem {
  return {
    kind: 'precondition',
    field: 'combinedInto',
    reason: `order ${order.number} was combined into order ${order.combinedInto} and changes no more`,
  };
}

/** Two payments of one order with the same externalId could not be told apart by it. */
function paymentExternalIdProblems(
  before: OrderState | undefined,
  after: OrderState,
  command: OrderCommand,
): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  after.payments.forEach((p, i) => {
    if (p.externalId === undefined) return;
    const first = seen.get(p.externalId);
    if (first === undefined) return void seen.set(p.externalId, i);
    const field =
      command.kind === 'create'
        ? `payments[${i}].externalId`
        : command.kind === 'edit'
          ? 'payments'
          : 'payment.externalId';
    problems.push({
      kind: 'invalid',
      field,
      reason: `order ${before?.number ?? after.number} already has a payment with externalId '${p.externalId}'`,
    });
  });
  return problems;
}

/** The order as the command would leave it, before any business rule; undefined with problems when the input is malformed. */
function buildAfter(
  before: OrderState | undefined,
  command: OrderCommand,
  ctx: CommandContext,
  identity: NewOrderIdentity | undefined,
  problems: Problem[],
): OrderState | undefined {
  const invalid = (field: string, reason: string) => {
    problems.push({ kind: 'invalid', field, reason });
    return undefined;
  };
  if (command.kind === 'create') {
    if (!identity) throw new Error('a new order needs its identity');
    const input = parseInput(command.order, problems);
    if (!input) return undefined;
    const initial = ctx.ref.initialStatus();
    return fromInput(
      input,
      undefined,
      ctx,
      {
        id: identity.id,
        number: identity.number,
        numericId: identity.numericId,
        status: initial.code,
        statusUpdatedAt: ctx.now,
        createdAt: ctx.now,
      },
      problems,
    );
  }
  if (!before) throw new Error(`${command.kind} needs the order it changes`);
  const stamp = { ...before, updatedAt: ctx.now };
  switch (command.kind) {
    case 'edit': {
      // Payments change through their own commands (fromInput keeps them); their ids are no input.
      const { payments: _payments, ...base } = toInputJson(before) as Record<string, unknown>;
      command.mask.forEach((path, i) => {
        const problem = editablePath(path);
        if (problem) invalid(`updateMask[${i}]`, problem);
        else setPath(base, path, getPath(command.order as Record<string, unknown>, path));
      });
      if (command.mask.length === 0) invalid('updateMask', 'name at least one field to change');
      if (problems.length > 0) return undefined;
      const input = parseInput(base, problems);
      return input && fromInput(input, before, ctx, before, problems);
    }
    case 'status-change': {
      if (!command.status) return invalid('status', 'is required');
      const changed = command.status !== before.status;
      return {
        ...stamp,
        status: command.status,
        statusUpdatedAt: changed ? ctx.now : before.statusUpdatedAt,
      };
    }
    case 'payment-add': {
      const payment = parsePayment(command.payment, 'payment', problems);
      return (
        payment && {
          ...stamp,
          payments: [...before.payments, toPaymentState(payment, ctx.newId(), ctx.newPaymentId?.())],
        }
      );
    }
    case 'payment-edit': {
      const index = before.payments.findIndex((p) => p.id === command.paymentId);
      if (index < 0)
        return invalid('paymentId', `order ${before.number} has no payment ${command.paymentId}`);
      const base = toInputJson(before).payments![index] as Record<string, unknown>;
      command.mask.forEach((path, i) => {
        if (!PAYMENT_FIELDS.has(path))
          invalid(
            `updateMask[${i}]`,
            `'${path}' is not a payment field (externalId, type, status, amount, paidAt)`,
          );
        else setPath(base, path, getPath(command.payment as Record<string, unknown>, path));
      });
      if (command.mask.length === 0) invalid('updateMask', 'name at least one field to change');
      if (problems.length > 0) return undefined;
      const { id: _id, numericId, ...fields } = base;
      const payment = parsePayment(fields, 'payment', problems);
      if (!payment) return undefined;
      const payments = [...before.payments];
      payments[index] = toPaymentState(payment, command.paymentId, numericId as number | undefined);
      return { ...stamp, payments };
    }
    case 'payment-delete': {
      if (!before.payments.some((p) => p.id === command.paymentId)) {
        return invalid('paymentId', `order ${before.number} has no payment ${command.paymentId}`);
      }
      return { ...stamp, payments: before.payments.filter((p) => p.id !== command.paymentId) };
    }
  }
}

function parseInput(raw: unknown, problems: Problem[]): OrderInput | undefined {
  const parsed = orderInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const v of ValidationError.fromZod(parsed.error).violations) problems.push({ kind: 'invalid', ...v });
  return undefined;
}

function parsePayment(raw: unknown, field: string, problems: Problem[]): PaymentInput | undefined {
  const parsed = paymentInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const v of ValidationError.fromZod(parsed.error).violations) {
    problems.push({ kind: 'invalid', field: `${field}.${v.field}`, reason: v.reason });
  }
  return undefined;
}

function toPaymentState(p: PaymentInput, id: string, numericId: number | undefined): PaymentState {
  return {
    id,
    ...(numericId !== undefined ? { numericId } : {}),
    ...(p.externalId ? { externalId: p.externalId } : {}),
    type: p.type,
    status: p.status,
    amount: p.amount,
    ...(p.paidAt ? { paidAt: new Date(p.paidAt) } : {}),
  };
}

type Fixed = Pick<OrderState, 'id' | 'number' | 'status' | 'statusUpdatedAt' | 'createdAt'> &
  Partial<Pick<OrderState, 'cancelReason' | 'numericId' | 'combinedInto'>>;

/** An OrderState from validated input plus the fields only the service sets. */
function fromInput(
  input: OrderInput,
  before: OrderState | undefined,
  ctx: CommandContext,
  fixed: Fixed,
  problems: Problem[],
): OrderState | undefined {
  const zero: Money = { amountMinor: 0, currency: input.currency };
  const existingLines = new Set(before?.items.map((i) => i.id) ?? []);
  const items = input.items.map((item, i) => {
    if (item.id !== undefined && !existingLines.has(item.id)) {
      problems.push({
        kind: 'invalid',
        field: `items[${i}].id`,
        reason: `no line ${item.id} in this order; leave id out for a new line`,
      });
    }
    return {
      id: item.id ?? ctx.newId(),
      ...(item.offerExternalId ? { offerExternalId: item.offerExternalId } : {}),
      ...(item.categories?.length ? { categories: [...new Set(item.categories)] } : {}),
      name: item.name,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      discount: item.discount ?? zero,
      ...(item.status ? { status: item.status } : {}),
    };
  });
  if (problems.length > 0) return undefined;
  const d = input.delivery;
  return dropUndefined({
    id: fixed.id,
    numericId: fixed.numericId,
    site: input.site,
    number: fixed.number,
    externalId: input.externalId,
    orderType: input.orderType,
    orderMethod: input.orderMethod,
    status: fixed.status,
    statusUpdatedAt: fixed.statusUpdatedAt,
    cancelReason: fixed.cancelReason,
    combinedInto: fixed.combinedInto,
    currency: input.currency,
    customer: dropUndefined({ ...input.customer }),
    contragent: dropUndefined({ ...input.contragent }),
    items,
    discount: input.discount ?? zero,
    delivery: d && dropUndefined({ ...d, cost: d.cost ?? zero, netCost: d.netCost ?? zero }),
    payments: before
      ? before.payments
      : input.payments.map((p) => toPaymentState(p, ctx.newId(), ctx.newPaymentId?.())),
    managerId: input.managerId,
    customerComment: input.customerComment,
    managerComment: input.managerComment,
    tags: [...new Set(input.tags)],
    customFields: Object.fromEntries(Object.entries(input.customFields).filter(([, v]) => v !== null)),
    createdAt: fixed.createdAt,
    updatedAt: ctx.now,
  });
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** Why a path cannot be named in an edit's mask, or undefined when it can. */
function editablePath(path: string): string | undefined {
  if (path === 'status' || path === 'cancelReason')
    return `'${path}' changes through the status change command`;
  if (path === 'payments' || path.startsWith('payments.'))
    return `'${path}' changes through the payment commands`;
  const [head, ...rest] = path.split('.');
  if (!(EDITABLE_ORDER_FIELDS as readonly string[]).includes(head))
    return `'${path}' is not an editable order field`;
  if (rest.length > 1 || (rest.length === 1 && !NESTED_EDITABLE.has(head)))
    return `'${path}' is not an editable order field`;
  return undefined;
}

function getPath(value: Record<string, unknown> | undefined, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined || value === null) delete node[last];
  else node[last] = value;
}

/** Paths of payments that are paid after the change but were not (or had another amount) before. */
function paymentsMarkedPaid(ref: ReferenceData, before: OrderState | undefined, after: OrderState): string[] {
  const paid = (p: PaymentState | undefined) => p !== undefined && ref.paymentStatus(p.status)?.paid === true;
  const old = new Map(before?.payments.map((p) => [p.id, p]) ?? []);
  return after.payments.flatMap((p, i) => {
    const was = old.get(p.id);
    const newlyPaid = paid(p) && (!paid(was) || was!.amount.amountMinor !== p.amount.amountMinor);
    return newlyPaid ? [`payments[${i}].status`] : [];
  });
}

/** Items total, total, paid and due of an order, with paid statuses from the reference data. */
export function orderTotals(ref: ReferenceData, order: OrderState) {
  const { total, paid, due } = amountDue(order, (status) => ref.paymentStatus(status)?.paid === true);
  return { items: itemsTotal(order), total, paid, due };
}
