import type { Actor, OrderState, PaymentState } from '../orders/order-state';
import type { EvaluationContext } from './engine';

/** Test data: a small Pult.ru order and the context of a change to it. */
export const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });

export function order(over: Partial<OrderState> = {}): OrderState {
  return {
    id: 'o-1',
    site: 'pult',
    number: '1001A',
    orderType: 'retail',
    status: 'new',
    statusUpdatedAt: new Date('2026-01-10T10:00:00Z'),
    currency: 'RUB',
    customer: { firstName: 'Анна', phones: ['+79161234567'] },
    contragent: { type: 'individual' },
    items: [
      { id: 'i-1', name: 'Усилитель', quantity: 1, unitPrice: rub(4_999_000), discount: rub(0) },
      { id: 'i-2', name: 'Кабель', quantity: 2, unitPrice: rub(99_050), discount: rub(10_000) },
    ],
    discount: rub(0),
    delivery: { type: 'courier', address: 'Москва, Тверская 1', cost: rub(50_000), netCost: rub(30_000) },
    payments: [],
    tags: [],
    customFields: {},
    createdAt: new Date('2026-01-10T10:00:00Z'),
    updatedAt: new Date('2026-01-10T10:00:00Z'),
    ...over,
  };
}

export function payment(over: Partial<PaymentState> = {}): PaymentState {
  return { id: 'p-1', type: 'cash', status: 'not-paid', amount: rub(5_000_000), ...over };
}

const STATUS_GROUPS: Record<string, string> = {
  new: 'new',
  reservation: 'approval',
  'availability-confirmed': 'approval',
  'handed-to-assembly': 'assembling',
  'handed-to-delivery': 'delivery',
  'ready-for-pickup': 'delivery',
  complete: 'complete',
  'complete-picked-up': 'complete',
  'cancelled-no-answer': 'cancel',
};

export const manager: Actor = { userId: 'u-1', groups: ['managers'], source: 'manager' };

/** An edit of `before` into `after` by `actor` (a manager by default). */
export function change(
  before: OrderState | undefined,
  after: OrderState,
  over: Partial<Omit<EvaluationContext, 'before' | 'after'>> = {},
): EvaluationContext {
  return {
    before,
    after,
    change: { kind: before ? 'edit' : 'create' },
    actor: manager,
    statusGroupOf: (status) => STATUS_GROUPS[status],
    ...over,
  };
}
