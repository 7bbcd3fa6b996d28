import { COMBINE_TECHNIQUES, type CombineTechnique, type Money } from '@openretail/contracts';
import { diffOrder } from '../history/history';
import { checkStatusChange } from '../status-matrix/status-matrix';
import { validateAmounts } from '../totals/totals';
import { evaluate } from '../validation/engine';
import {
  canAccessSite,
  combinedProblem,
  fail,
  type CombineChange,
  type CommandContext,
  type PlannedChange,
  type Problem,
} from './order-commands';
import type { OrderItemState, OrderState } from './order-state';
import { referenceViolations } from './reference-checks';

/**
 * Combining two orders (RetailCRM's orders/combine): a customer ordered twice, and the shop ships
 * one order. The order combined goes into the result order:
 *
 * - lines: every line of both orders is kept; a product (the same offerExternalId) in both is one
 *   line of the result by the technique: `ours` takes the combined order's quantity (and line
 *   discount), `theirs` the result's, `summ` adds both; `merge` keeps both lines apart;
 * - payments move to the result as they are (ids, numeric ids, statuses): moving a paid payment
 *   marks nothing paid, so neither the mark-paid right nor a rule about payments becoming paid
 *   sees them as new;
 * - the result keeps every other field of its own;
 * - the combined order enters a status of the cancel group along the status matrix, for the acting
 *   user's groups, with a cancel reason (the request's, or the site's `combinedOrders` setting), and
 *   records the result in `combinedInto`: it refuses every command after that.
 *
 * For the validation rules a combine is an edit of the result and a status change of the combined
 * order, so every rule a shop wrote about either applies without naming a new kind of change.
 * Both orders must be open, in one currency, and readable by the caller.
 */

export interface CombineRequest {
  /** One of COMBINE_TECHNIQUES, as the caller sent it. */
  technique: string;
  /** The cancel-group status the combined order enters; the site's setting by default. */
  status?: string;
  cancelReason?: string;
}

export interface PlannedCombine {
  /** The order combined into. */
  result: PlannedChange;
  /** The order absorbed, cancelled. */
  combined: PlannedChange;
  /** The combine was made already (a retry): nothing changes. */
  noop: boolean;
}

export type CombineResult = { ok: true; plan: PlannedCombine } | { ok: false; problems: Problem[] };

const MAX_ITEMS = 500;
const MAX_PAYMENTS = 50;

export function planCombine(
  combined: OrderState,
  into: OrderState,
  request: CombineRequest,
  ctx: CommandContext,
): CombineResult {
  const technique = request.technique as CombineTechnique;
  const change = (role: CombineChange['role'], other: OrderState): CombineChange => ({
    kind: 'combine',
    technique,
    role,
    other: { id: other.id, number: other.number },
    movedPaymentIds: combined.payments.map((p) => p.id),
  });
  if (combined.combinedInto === into.id && COMBINE_TECHNIQUES.includes(technique)) {
    const unchanged = (order: OrderState, role: CombineChange['role'], other: OrderState) => ({
      command: change(role, other),
      before: order,
      after: order,
      noop: true,
      history: [],
    });
    return {
      ok: true,
      plan: {
        result: unchanged(into, 'result', combined),
        combined: unchanged(combined, 'combined', into),
        noop: true,
      },
    };
  }

  const invalid: Problem[] = [];
  if (!COMBINE_TECHNIQUES.includes(technique)) {
    invalid.push({
      kind: 'invalid',
      field: 'technique',
      reason: `must be one of ${COMBINE_TECHNIQUES.join(', ')}`,
    });
  }
  if (combined.id === into.id) {
    invalid.push({ kind: 'invalid', field: 'into', reason: 'an order cannot be combined with itself' });
  }
  if (invalid.length > 0) return { ok: false, problems: invalid };

  for (const order of [combined, into]) {
    if (!canAccessSite(ctx.caller, order.site)) {
      return fail({
        kind: 'forbidden',
        field: 'site',
        reason: `this key has no access to site '${order.site}'`,
      });
    }
  }

  const state: Problem[] = [];
  for (const order of [combined, into]) {
    if (order.combinedInto) state.push(combinedProblem(order));
    else if (ctx.ref.isFinal(order.status)) {
      state.push({
        kind: 'precondition',
        field: order === combined ? 'status' : 'into',
        reason: `order ${order.number} is in the final status '${order.status}': only open orders are combined`,
      });
    }
  }
  if (combined.currency !== into.currency) {
    state.push({
      kind: 'precondition',
      field: 'currency',
      reason: `order ${combined.number} is in ${combined.currency} and order ${into.number} in ${into.currency}: only orders in one currency are combined`,
    });
  }
  const taken = new Set(into.payments.flatMap((p) => (p.externalId ? [p.externalId] : [])));
  for (const p of combined.payments) {
    if (p.externalId && taken.has(p.externalId)) {
      state.push({
        kind: 'precondition',
        field: 'payments',
        reason: `both orders have a payment with externalId '${p.externalId}'`,
      });
    }
  }
  if (state.length > 0) return { ok: false, problems: state };

  // Where the combined order goes: the request's status, or the site's setting.
  const defaults = ctx.ref.site(combined.site)?.combinedOrders;
  const status = request.status ?? defaults?.status;
  const cancelReason = request.cancelReason ?? defaults?.cancelReason;
  if (!status) {
    return fail({
      kind: 'invalid',
      field: 'status',
      reason: `is required: site '${combined.site}' names no status for combined orders (combinedOrders)`,
    });
  }
  if (ctx.ref.status(status) && !ctx.ref.isCancel(status)) {
    return fail({
      kind: 'invalid',
      field: 'status',
      reason: `'${status}' is not a status of the cancel group: a combined order is cancelled`,
    });
  }
  const check = checkStatusChange(ctx.ref, combined, { to: status, cancelReason }, ctx.caller);
  if (!check.ok) {
    return {
      ok: false,
      problems: check.violations.map(({ kind, field, reason }) => ({ kind, field, reason })),
    };
  }

  const items = mergeItems(into.items, combined.items, technique);
  const payments = [...into.payments, ...combined.payments];
  const resultAfter: OrderState = { ...into, items, payments, updatedAt: ctx.now };
  const combinedAfter: OrderState = {
    ...combined,
    status,
    statusUpdatedAt: ctx.now,
    cancelReason: check.cancelReason,
    combinedInto: into.id,
    payments: [],
    updatedAt: ctx.now,
  };

  const problems: Problem[] = [
    ...referenceViolations(ctx.ref, into, resultAfter),
    ...validateAmounts(resultAfter),
  ].map((v) => ({ kind: 'invalid' as const, ...v }));
  if (items.length > MAX_ITEMS) {
    problems.push({
      kind: 'invalid',
      field: 'items',
      reason: `the combined order would have ${items.length} items; an order can have at most ${MAX_ITEMS}`,
    });
  }
  if (payments.length > MAX_PAYMENTS) {
    problems.push({
      kind: 'invalid',
      field: 'payments',
      reason: `the combined order would have ${payments.length} payments; an order can have at most ${MAX_PAYMENTS}`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  // Moved payments were made on the combined order: to the rules they are not new on the result.
  const resultBefore = { ...into, payments };
  const rules = [
    { before: resultBefore, after: resultAfter, kind: 'edit' as const },
    { before: combined, after: combinedAfter, kind: 'status-change' as const },
  ].flatMap(({ before, after, kind }) => {
    const result = evaluate(ctx.ref.rules, {
      before,
      after,
      change: { kind },
      actor: ctx.caller,
      statusGroupOf: (s) => ctx.ref.groupOf(s)?.code,
    });
    return result.ok
      ? []
      : result.violations.map((v) => ({
          kind: 'rule' as const,
          field: v.field,
          reason: `order ${after.number}: ${v.message}`,
          rule: v.rule,
          deny: v.effect === 'deny',
        }));
  });
  if (rules.length > 0) return { ok: false, problems: rules };

  return {
    ok: true,
    plan: {
      result: {
        command: change('result', combined),
        before: into,
        after: resultAfter,
        noop: false,
        history: [
          ...diffOrder(into, resultAfter),
          { field: 'combinedFrom', oldValue: null, newValue: combined.id },
        ],
      },
      combined: {
        command: change('combined', into),
        before: combined,
        after: combinedAfter,
        noop: false,
        history: diffOrder(combined, combinedAfter),
      },
      noop: false,
    },
  };
}

/**
 * The lines of the result of a combine: the result's lines in their order, then the combined
 * order's. A line of the combined order whose product (offerExternalId) the result has already is
 * settled into the first such line not settled yet, by the technique; lines without a product, and
 * every line with `merge`, are kept apart. Line ids stay: the history follows each line.
 */
export function mergeItems(
  into: readonly OrderItemState[],
  combined: readonly OrderItemState[],
  technique: CombineTechnique,
): OrderItemState[] {
  const result = into.map((item) => ({ ...item }));
  const settled = new Set<number>();
  for (const line of combined) {
    const twin =
      technique === 'merge' || !line.offerExternalId
        ? -1
        : result.findIndex(
            (item, i) => i < into.length && !settled.has(i) && item.offerExternalId === line.offerExternalId,
          );
    if (twin < 0) {
      result.push({ ...line });
      continue;
    }
    settled.add(twin);
    const mine = result[twin];
    if (technique === 'ours') result[twin] = { ...mine, quantity: line.quantity, discount: line.discount };
    else if (technique === 'summ') {
      result[twin] = {
        ...mine,
        quantity: mine.quantity + line.quantity,
        discount: add(mine.discount, line.discount),
      };
    }
  }
  return result;
}

function add(a: Money, b: Money): Money {
  return { amountMinor: a.amountMinor + b.amountMinor, currency: a.currency };
}
