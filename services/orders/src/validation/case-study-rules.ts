import type { RuleInput } from './rules';

/**
 * The validations the Pult.ru case study names, written as the rule data a shop would save.
 * Used by the tests and as demo data. Status groups follow the reference data kinds
 * (new, approval, assembling, delivery, complete, cancel).
 */
export const CASE_STUDY_RULES: RuleInput[] = [
  {
    code: 'legal-entity-no-card',
    site: 'pult',
    message: 'A legal entity cannot pay by card: use a bank transfer.',
    when: {
      all: [{ contragentType: 'legal-entity' }, { paymentTypes: ['card-online', 'card-on-delivery'] }],
    },
    effect: { deny: true },
  },
  {
    code: 'reservation-purchasing-only',
    site: 'pult',
    message: 'While an order is in reservation only the purchasing department may change it.',
    when: {
      all: [
        { before: { status: ['reservation'] } },
        { actorGroupsNoneOf: ['purchasing'] },
        { changeKind: ['edit', 'status-change', 'payment-add', 'payment-edit', 'payment-delete'] },
      ],
    },
    effect: { deny: true },
  },
  {
    code: 'only-accounting-marks-paid',
    site: 'pult',
    message: 'Only accounting may mark an order paid.',
    // Storefronts and payment integrations report online payments as paid; the rule is about staff.
    when: {
      all: [
        { paymentBecame: { status: ['paid'] } },
        { actorSource: ['manager'] },
        { actorGroupsNoneOf: ['accounting'] },
      ],
    },
    effect: { deny: true },
  },
  {
    code: 'credit-sent-amount-fixed',
    site: 'pult',
    message: 'A credit or instalment application was sent: the order amount cannot change.',
    when: {
      all: [
        { before: { customFieldEquals: { field: 'credit-application-sent', value: true } } },
        { totalChanged: true },
      ],
    },
    effect: { deny: true },
  },
  {
    code: 'call-before-complete',
    site: 'pult',
    message: 'A missed-call or task order cannot be completed before the call is logged.',
    when: {
      all: [
        { fieldIn: { path: 'orderType', values: ['missed-call', 'task'] } },
        { statusGroup: ['complete'] },
        { not: { before: { statusGroup: ['complete'] } } },
        { not: { customFieldEquals: { field: 'call-logged', value: true } } },
      ],
    },
    effect: { deny: true },
  },
  {
    code: 'delivery-date-logistics',
    site: 'pult',
    message: 'Only logistics and managers may move the delivery date.',
    // Setting the first date is not moving it.
    when: { before: { fieldSet: 'delivery.date' } },
    effect: { readOnly: { fields: ['delivery.date'], except: ['logistics', 'managers'] } },
  },
  {
    code: 'delivery-needs-address',
    site: 'pult',
    message: 'An order handed to delivery needs a delivery type and address.',
    when: { all: [{ statusGroup: ['delivery'] }, { fieldChanged: ['status'] }] },
    effect: { require: ['delivery.address', 'delivery.type'] },
  },
];
