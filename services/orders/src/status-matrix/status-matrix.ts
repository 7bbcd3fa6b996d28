import {
  PermissionDeniedError,
  PreconditionError,
  ValidationError,
  type FieldViolation,
} from '@openretail/contracts';
import type { Actor, OrderState } from '../orders/order-state';
import type { ReferenceData } from '../reference-data/reference-data';
import { amountDue } from '../totals/totals';

/** A request to move an order to another status. */
export interface StatusChange {
  to: string;
  /** Required when entering a status of the cancel group, refused otherwise. */
  cancelReason?: string;
}

/**
 * Why a change is refused, from the most to the least fundamental: the request itself is wrong
 * (unknown status, missing cancel reason), the actor may not make it, or the order's state does not
 * allow it (no such transition in the matrix, not paid yet).
 */
export type StatusChangeViolationKind = 'invalid' | 'forbidden' | 'precondition';

export interface StatusChangeViolation extends FieldViolation {
  kind: StatusChangeViolationKind;
}

/** What an allowed change does to the order. */
export interface StatusChangeOutcome {
  /** Nothing to record: same status and same cancel reason (an idempotent retry). */
  noop: boolean;
  /** The cancel reason the order has after the change; undefined outside the cancel group. */
  cancelReason: string | undefined;
}

export type StatusChangeCheck =
  ({ ok: true } & StatusChangeOutcome) | { ok: false; violations: StatusChangeViolation[] };

/**
 * Checks a status change against the reference data, reporting every problem at once:
 * - the target status must exist and be active;
 * - the same status (even a retired one) is accepted without consulting the matrix, so that a retried
 *   request or a carrier re-sending a status never fails; it is a no-op unless it changes the cancel
 *   reason of a cancelled order;
 * - otherwise the matrix of the order's site must have the transition, and when the transition is
 *   restricted to user groups, the actor must be in one of them. Restrictions bind every actor,
 *   automation included: a trigger or an integration acts with the groups the service gives it;
 * - entering the cancel group needs an active cancel reason from the dictionary (moving between
 *   cancel statuses keeps the current one unless another is given); a reason outside the cancel group
 *   is refused;
 * - entering the complete group on a site whose rules require 'paid' needs payments in paid statuses
 *   covering the order total.
 */
export function checkStatusChange(
  ref: ReferenceData,
  order: OrderState,
  change: StatusChange,
  actor: Actor,
): StatusChangeCheck {
  const violations: StatusChangeViolation[] = [];
  const add = (kind: StatusChangeViolationKind, field: string, reason: string) =>
    violations.push({ kind, field, reason });
  const refuse = (): StatusChangeCheck => ({ ok: false, violations });

  const target = ref.status(change.to);
  if (!target) add('invalid', 'status', `unknown status '${change.to}'`);
  const cancelling = ref.isCancel(change.to);
  if (change.cancelReason !== undefined) {
    const reason = ref.cancelReason(change.cancelReason);
    if (!reason) add('invalid', 'cancelReason', `unknown cancel reason '${change.cancelReason}'`);
    else if (!reason.active)
      add('invalid', 'cancelReason', `cancel reason '${reason.code}' is no longer in use`);
    else if (target && !cancelling) {
      add(
        'invalid',
        'cancelReason',
        `is only allowed when cancelling; '${target.code}' is not a cancelled status`,
      );
    }
  }
  if (!target) return refuse();

  if (change.to === order.status) {
    if (violations.length > 0) return refuse();
    const cancelReason = cancelling ? (change.cancelReason ?? order.cancelReason) : undefined;
    return { ok: true, noop: cancelReason === order.cancelReason, cancelReason };
  }

  if (!target.active) add('invalid', 'status', `status '${target.code}' is no longer in use`);
  const cancelReason = cancelling
    ? (change.cancelReason ?? (ref.isCancel(order.status) ? order.cancelReason : undefined))
    : undefined;
  if (cancelling && cancelReason === undefined) add('invalid', 'cancelReason', 'is required when cancelling');

  const site = ref.site(order.site);
  if (!site) add('precondition', 'site', `unknown site '${order.site}'`);
  const transition = ref.transition(order.site, order.status, change.to);
  if (!transition) {
    add(
      'precondition',
      'status',
      `no transition from '${order.status}' to '${change.to}' on site '${order.site}'`,
    );
  } else if (transition.userGroups && !transition.userGroups.some((g) => actor.groups.includes(g))) {
    add(
      'forbidden',
      'status',
      `only ${transition.userGroups.join(', ')} may move an order from '${order.status}' to '${change.to}' on site '${order.site}'`,
    );
  }

  if (site?.completeRequires.includes('paid') && ref.isComplete(change.to)) checkPaid(ref, order, add);

  return violations.length > 0 ? refuse() : { ok: true, noop: false, cancelReason };
}

/**
 * The throwing variant of checkStatusChange for service handlers. The most fundamental kind of
 * problem decides the error: ValidationError (with every invalid field), then PermissionDeniedError,
 * then PreconditionError; the message lists the problems of that kind.
 */
export function assertStatusChange(
  ref: ReferenceData,
  order: OrderState,
  change: StatusChange,
  actor: Actor,
): StatusChangeOutcome {
  const check = checkStatusChange(ref, order, change, actor);
  if (check.ok) return { noop: check.noop, cancelReason: check.cancelReason };
  const ofKind = (kind: StatusChangeViolationKind) =>
    check.violations.filter((v) => v.kind === kind).map(({ field, reason }) => ({ field, reason }));
  const invalid = ofKind('invalid');
  if (invalid.length > 0) throw new ValidationError(invalid);
  const forbidden = ofKind('forbidden');
  if (forbidden.length > 0) throw new PermissionDeniedError(describe(forbidden));
  throw new PreconditionError(describe(ofKind('precondition')));
}

function checkPaid(
  ref: ReferenceData,
  order: OrderState,
  add: (kind: StatusChangeViolationKind, field: string, reason: string) => void,
): void {
  try {
    const { total, paid, due } = amountDue(order, (status) => ref.paymentStatus(status)?.paid === true);
    if (due.amountMinor > 0) {
      add(
        'precondition',
        'payments',
        `the order must be paid in full before it is complete: paid ${paid.amountMinor} of ${total.amountMinor} ${total.currency} minor units`,
      );
    }
  } catch (error) {
    // Amounts that cannot be added up are the order's state, not this request's fault.
    if (!(error instanceof ValidationError)) throw error;
    for (const v of error.violations)
      add('precondition', v.field, `cannot tell whether the order is paid: ${v.reason}`);
  }
}

function describe(violations: FieldViolation[]): string {
  return violations.map((v) => `${v.field}: ${v.reason}`).join('; ');
}
