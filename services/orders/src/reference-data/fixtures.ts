import type { Actor, OrderState, PaymentState } from '../orders/order-state';
import { demoPult } from './demo-pult';
import { parseReferenceData, type ReferenceData, type ReferenceDataInput } from './reference-data';

/** Test data for the order rules: the Pult.ru demo reference data and a small order on its retail site. */

export const pult = parseReferenceData(demoPult);

/** The demo data with an edit applied, validated again. */
export function demoWith(edit: (data: ReferenceDataInput) => void): ReferenceData {
  const data = structuredClone(demoPult);
  edit(data);
  return parseReferenceData(data);
}

export const T0 = new Date('2026-03-02T09:00:00.000Z');
export const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);
export const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });

/** A 50,500-rouble order (receiver 49,990 + delivery 510) created at T0, in status 'new'. */
export function order(over: Partial<OrderState> = {}): OrderState {
  return {
    id: '0195a1b2-0000-7000-8000-000000000001',
    site: 'pult',
    number: '1001A',
    orderType: 'main',
    orderMethod: 'cart',
    status: 'new',
    statusUpdatedAt: T0,
    currency: 'RUB',
    customer: { firstName: 'Анна', phones: ['+79161234567'] },
    contragent: { type: 'individual' },
    items: [
      {
        id: 'i-1',
        name: 'Ресивер Denon AVR-X1800H',
        quantity: 1,
        unitPrice: rub(4_999_000),
        discount: rub(0),
      },
    ],
    discount: rub(0),
    delivery: { type: 'courier', cost: rub(51_000), netCost: rub(35_000) },
    payments: [],
    tags: [],
    customFields: {},
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function payment(over: Partial<PaymentState> = {}): PaymentState {
  return { id: 'p-1', type: 'card-online', status: 'paid', amount: rub(5_050_000), ...over };
}

export const actor = (...groups: string[]): Actor => ({ userId: 'u-1', groups, source: 'manager' });
