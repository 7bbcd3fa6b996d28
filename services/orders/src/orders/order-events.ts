import {
  OrderAssignedV1,
  OrderCancelledV1,
  OrderCombinedV1,
  OrderCompletedV1,
  OrderCreatedV1,
  OrderPaymentChangedV1,
  OrderStatusChangedV1,
  OrderUpdatedV1,
  type EventDefinition,
  type EventEnvelope,
  type OrderSummary,
} from '@openretail/contracts';
import type { ReferenceData } from '../reference-data/reference-data';
import type { Caller, PlannedChange } from './order-commands';
import type { OrderState } from './order-state';

export interface OutgoingEvent {
  definition: EventDefinition<unknown>;
  envelope: EventEnvelope;
}

export const EVENT_SOURCE = 'orders';

/** What every order event says about the order after the change. */
export function orderSummary(
  ref: ReferenceData,
  order: OrderState,
  totals: { total: OrderSummary['total']; paid: OrderSummary['paid'] },
  version: number,
): OrderSummary {
  const group = ref.groupOf(order.status);
  return {
    orderId: order.id,
    site: order.site,
    number: order.number,
    ...(order.externalId ? { externalId: order.externalId } : {}),
    status: order.status,
    statusGroup: group?.code ?? '',
    ...(group ? { statusGroupKind: group.kind } : {}),
    ...(order.customer.customerId ? { customerId: order.customer.customerId } : {}),
    customer: contactOf(order),
    ...(order.managerId ? { managerId: order.managerId } : {}),
    total: totals.total,
    paid: totals.paid,
    offerExternalIds: [
      ...new Set(order.items.flatMap((i) => (i.offerExternalId ? [i.offerExternalId] : []))),
    ],
    productCategories: [...new Set(order.items.flatMap((i) => i.categories ?? []))],
    version,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

function contactOf(order: OrderState) {
  const { firstName, lastName, phones, email } = order.customer;
  return {
    ...(firstName ? { firstName } : {}),
    ...(lastName ? { lastName } : {}),
    ...(phones[0] ? { phone: phones[0], phones } : {}),
    ...(email ? { email } : {}),
  };
}

/**
 * The events a change publishes, in the order consumers should see them: the specific change
 * first (created, updated, status-changed, payment-changed), then what it means (assigned,
 * cancelled, completed).
 */
export function eventsOf(
  plan: PlannedChange,
  ref: ReferenceData,
  summary: OrderSummary,
  caller: Caller,
  now: Date,
): OutgoingEvent[] {
  const { before, after, command } = plan;
  const actor = { ...(caller.userId ? { userId: caller.userId } : {}), source: caller.source };
  const events: OutgoingEvent[] = [];
  const emit = <P>(definition: EventDefinition<P>, payload: P) =>
    events.push({
      definition: definition as EventDefinition<unknown>,
      envelope: definition.create(payload, { source: EVENT_SOURCE, aggregateId: after.id, occurredAt: now }),
    });
  const base = { order: summary, actor };
  const emitStatusChanged = (from: OrderState) =>
    emit(OrderStatusChangedV1, {
      ...base,
      from: from.status,
      to: after.status,
      fromGroup: ref.groupOf(from.status)?.code ?? '',
      toGroup: summary.statusGroup,
      ...(after.cancelReason ? { cancelReason: after.cancelReason } : {}),
    });

  if (!before) {
    emit(OrderCreatedV1, {
      orderId: after.id,
      number: after.number,
      site: after.site,
      ...(after.externalId ? { externalId: after.externalId } : {}),
      status: after.status,
      customer: contactOf(after),
      items: after.items.map((i) => ({
        ...(i.offerExternalId ? { offerExternalId: i.offerExternalId } : {}),
        name: i.name,
        quantity: i.quantity,
        unitPrice: i.unitPrice,
      })),
      total: summary.total,
      createdAt: after.createdAt.toISOString(),
      order: summary,
    });
  } else if (command.kind === 'edit') {
    emit(OrderUpdatedV1, { ...base, changedFields: plan.history.map((h) => h.field) });
  } else if (command.kind === 'status-change') {
    emitStatusChanged(before);
  } else if (command.kind === 'combine') {
    if (command.role === 'result') {
      emit(OrderUpdatedV1, { ...base, changedFields: plan.history.map((h) => h.field) });
    } else {
      emit(OrderCombinedV1, {
        ...base,
        into: { orderId: command.other.id, number: command.other.number },
        technique: command.technique,
        movedPaymentIds: command.movedPaymentIds,
      });
      emitStatusChanged(before);
    }
  } else if (command.kind !== 'create') {
    const id =
      command.kind === 'payment-add' ? after.payments[after.payments.length - 1].id : command.paymentId;
    const payment = (command.kind === 'payment-delete' ? before : after).payments.find((p) => p.id === id)!;
    emit(OrderPaymentChangedV1, {
      ...base,
      change:
        command.kind === 'payment-add' ? 'added' : command.kind === 'payment-edit' ? 'updated' : 'deleted',
      payment: {
        id: payment.id,
        type: payment.type,
        status: payment.status,
        amount: payment.amount,
        ...(payment.paidAt ? { paidAt: payment.paidAt.toISOString() } : {}),
      },
    });
  }

  if (before && before.managerId !== after.managerId) {
    emit(OrderAssignedV1, {
      ...base,
      ...(before.managerId ? { previousManagerId: before.managerId } : {}),
      ...(after.managerId ? { managerId: after.managerId } : {}),
    });
  }
  const entered = (test: (status: string) => boolean) =>
    test(after.status) && (!before || !test(before.status));
  if (entered((s) => ref.isCancel(s)))
    emit(OrderCancelledV1, { ...base, cancelReason: after.cancelReason ?? '' });
  if (entered((s) => ref.isComplete(s))) emit(OrderCompletedV1, { ...base });
  return events;
}
