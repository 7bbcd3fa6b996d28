import type { ReferenceDataInput } from './reference-data';
import { CASE_STUDY_RULES } from '../validation/case-study-rules';

/**
 * Demo reference data modelled on the Pult.ru case (hi-fi and home cinema): a retail and a wholesale
 * site, one dictionary of grouped statuses instead of hundreds of ad-hoc ones, a status matrix per site
 * and the shop's 28 cancel reasons. Used by local demos and as the realistic fixture of unit tests.
 */

/** Time limits are in minutes. */
const DAY = 24 * 60;

type TransitionInput = ReferenceDataInput['transitions'][number];

/**
 * Expands matrix rows [from, to[], userGroups?] of one site. Admins may make every restricted
 * transition, so they are added to each restriction rather than repeated in every row.
 */
function matrix(
  site: string,
  rows: [from: string, to: string[], userGroups?: string[]][],
): TransitionInput[] {
  return rows.flatMap(([from, tos, userGroups]) =>
    tos.map((to) => ({ site, from, to, ...(userGroups && { userGroups: [...userGroups, 'admins'] }) })),
  );
}

const CANCELLED = ['cancelled-no-answer', 'cancelled-by-customer', 'bought-elsewhere', 'cancelled-other'];
/** Staff who talk to customers decide cancellations; the warehouse and couriers do not. */
const MAY_CANCEL = ['managers', 'call-centre'];

export const demoPult: ReferenceDataInput = {
  sites: [
    {
      code: 'pult',
      name: 'Pult.ru — розница',
      currency: 'RUB',
      defaultPhoneRegion: 'RU',
      orderNumberFormat: '{n}A',
      completeRequires: ['paid'],
      staleAfterDays: 30,
      // An order combined into another is a duplicate of it.
      combinedOrders: { status: 'cancelled-other', cancelReason: 'duplicate' },
    },
    {
      // Wholesale buyers pay after delivery by their contract, so completion does not wait for payment.
      code: 'pult-opt',
      name: 'Pult.ru — опт',
      currency: 'RUB',
      defaultPhoneRegion: 'RU',
      orderNumberFormat: 'OPT-{n}',
      completeRequires: [],
      staleAfterDays: 60,
      combinedOrders: { status: 'cancelled-other', cancelReason: 'duplicate' },
    },
  ],
  statusGroups: [
    { code: 'new', name: 'Новый', kind: 'new', ordering: 10 },
    { code: 'approval', name: 'Согласование', kind: 'approval', ordering: 20 },
    { code: 'supply', name: 'Закупка', kind: 'custom', ordering: 30 },
    { code: 'assembling', name: 'Комплектация', kind: 'assembling', ordering: 40 },
    { code: 'delivery', name: 'Доставка', kind: 'delivery', ordering: 50 },
    { code: 'complete', name: 'Выполнен', kind: 'complete', ordering: 60 },
    { code: 'cancel', name: 'Отменён', kind: 'cancel', ordering: 70 },
  ],
  statuses: [
    { code: 'new', name: 'Новый', group: 'new', ordering: 10, timeLimitMinutes: 15 },
    {
      code: 'availability-check',
      name: 'Требует проверки наличия',
      group: 'approval',
      ordering: 10,
      timeLimitMinutes: 2 * 60,
    },
    {
      code: 'availability-confirmed',
      name: 'Наличие подтверждено',
      group: 'approval',
      ordering: 20,
      timeLimitMinutes: 4 * 60,
    },
    // Banks answer in 3 days to 2 weeks.
    {
      code: 'awaiting-credit',
      name: 'Ожидает решения банка',
      group: 'approval',
      ordering: 30,
      timeLimitMinutes: 14 * DAY,
    },
    { code: 'agreed', name: 'Согласован с клиентом', group: 'approval', ordering: 40, timeLimitMinutes: DAY },
    // One of the hundreds of ad-hoc statuses of the old system: kept for the history of old orders, closed to new use.
    { code: 'in-progress', name: 'В работе (устарел)', group: 'approval', ordering: 90, active: false },
    { code: 'reservation', name: 'Резервирование', group: 'supply', ordering: 10, timeLimitMinutes: DAY },
    {
      code: 'awaiting-supply',
      name: 'Ожидает поставки',
      group: 'supply',
      ordering: 20,
      timeLimitMinutes: 14 * DAY,
    },
    {
      code: 'arrival-notified',
      name: 'Клиент уведомлён о поступлении',
      group: 'supply',
      ordering: 30,
      timeLimitMinutes: 3 * DAY,
    },
    {
      code: 'handed-to-assembly',
      name: 'Передан в комплектацию',
      group: 'assembling',
      ordering: 10,
      timeLimitMinutes: DAY,
    },
    {
      code: 'handed-to-delivery',
      name: 'Передан в доставку',
      group: 'delivery',
      ordering: 10,
      timeLimitMinutes: 7 * DAY,
    },
    // A parcel waits 3 days at the pickup point.
    {
      code: 'ready-for-pickup',
      name: 'Готов к выдаче',
      group: 'delivery',
      ordering: 20,
      timeLimitMinutes: 3 * DAY,
    },
    { code: 'installation-scheduled', name: 'Назначен монтаж', group: 'delivery', ordering: 30 },
    { code: 'complete', name: 'Выполнен', group: 'complete', ordering: 10 },
    { code: 'cancelled-no-answer', name: 'Отменён: нет ответа', group: 'cancel', ordering: 10 },
    { code: 'cancelled-by-customer', name: 'Отменён клиентом', group: 'cancel', ordering: 20 },
    { code: 'bought-elsewhere', name: 'Купил в другом месте', group: 'cancel', ordering: 30 },
    { code: 'cancelled-other', name: 'Отменён: другое', group: 'cancel', ordering: 40 },
  ],
  transitions: [
    ...matrix('pult', [
      ['new', ['availability-check', 'availability-confirmed'], ['managers', 'call-centre']],
      ['new', CANCELLED, MAY_CANCEL],
      // Only buyers know the suppliers' stock.
      ['availability-check', ['availability-confirmed', 'reservation', 'awaiting-supply'], ['purchasing']],
      ['availability-check', CANCELLED, MAY_CANCEL],
      // While an order is being reserved, only purchasing may change it, even to cancel it.
      ['reservation', ['availability-confirmed', 'awaiting-supply', ...CANCELLED], ['purchasing']],
      ['availability-confirmed', ['agreed', 'awaiting-credit'], ['managers', 'call-centre']],
      ['availability-confirmed', CANCELLED, MAY_CANCEL],
      // The bank's answer comes to accounting.
      ['awaiting-credit', ['agreed'], ['accounting']],
      ['awaiting-credit', CANCELLED, MAY_CANCEL],
      ['awaiting-supply', ['arrival-notified'], ['purchasing']],
      ['awaiting-supply', CANCELLED, MAY_CANCEL],
      ['arrival-notified', ['agreed'], ['managers', 'call-centre']],
      ['arrival-notified', CANCELLED, MAY_CANCEL],
      ['agreed', ['handed-to-assembly'], ['managers']],
      ['agreed', CANCELLED, MAY_CANCEL],
      [
        'handed-to-assembly',
        ['handed-to-delivery', 'ready-for-pickup', 'installation-scheduled'],
        ['logistics'],
      ],
      ['handed-to-assembly', CANCELLED, MAY_CANCEL],
      // Open to everyone: carrier integrations move parcels on their own.
      ['handed-to-delivery', ['ready-for-pickup', 'complete']],
      ['handed-to-delivery', ['cancelled-by-customer'], MAY_CANCEL],
      ['ready-for-pickup', ['complete']],
      ['ready-for-pickup', ['cancelled-no-answer', 'cancelled-by-customer'], MAY_CANCEL],
      ['installation-scheduled', ['complete'], ['managers', 'logistics']],
      ['installation-scheduled', ['cancelled-by-customer'], MAY_CANCEL],
      // A customer who did not answer may call back.
      ['cancelled-no-answer', ['new'], ['managers']],
    ]),
    // Wholesale: no credit, no pickup, no installation; accounting agrees the order by issuing the invoice.
    ...matrix('pult-opt', [
      ['new', ['availability-check'], ['managers']],
      ['new', CANCELLED, ['managers']],
      ['availability-check', ['availability-confirmed', 'awaiting-supply'], ['purchasing']],
      ['availability-check', CANCELLED, ['managers']],
      ['awaiting-supply', ['availability-confirmed'], ['purchasing']],
      ['awaiting-supply', CANCELLED, ['managers']],
      ['availability-confirmed', ['agreed'], ['accounting']],
      ['availability-confirmed', CANCELLED, ['managers']],
      ['agreed', ['handed-to-assembly'], ['managers']],
      ['agreed', CANCELLED, ['managers']],
      ['handed-to-assembly', ['handed-to-delivery'], ['logistics']],
      ['handed-to-delivery', ['complete']],
      ['handed-to-delivery', ['cancelled-by-customer'], ['managers']],
    ]),
  ],
  userGroups: [
    { code: 'managers', name: 'Менеджеры' },
    { code: 'purchasing', name: 'Отдел закупок' },
    { code: 'accounting', name: 'Бухгалтерия' },
    { code: 'logistics', name: 'Логистика' },
    { code: 'call-centre', name: 'Колл-центр' },
    { code: 'admins', name: 'Администраторы' },
  ],
  cancelReasons: (
    [
      ['supplier-out-of-stock', 'Нет в наличии у поставщика'],
      ['too-expensive', 'Дорого'],
      ['long-delivery', 'Долгая доставка'],
      ['found-cheaper', 'Нашёл дешевле'],
      ['bought-elsewhere', 'Купил в другом месте'],
      ['no-answer', 'Не дозвонились до клиента'],
      ['changed-mind', 'Передумал'],
      ['duplicate', 'Дубль заказа'],
      ['test-order', 'Тестовый заказ'],
      ['credit-declined', 'Отказ банка в кредите'],
      ['delivery-cost', 'Дорогая доставка'],
      ['no-delivery-to-region', 'Нет доставки в регион'],
      ['discontinued', 'Снят с производства'],
      ['price-changed', 'Изменилась цена'],
      ['wrong-price-on-site', 'Ошибка в цене на сайте'],
      ['refused-on-delivery', 'Отказ при получении'],
      ['not-collected', 'Не забрал из пункта выдачи'],
      ['damaged', 'Брак или повреждение при доставке'],
      ['wrong-item', 'Привезли не тот товар'],
      ['payment-failed', 'Не прошла оплата'],
      ['suspected-fraud', 'Подозрение на мошенничество'],
      ['no-company-details', 'Юрлицо не предоставило реквизиты'],
      ['replaced-by-new-order', 'Заменён новым заказом'],
      ['installation-impossible', 'Монтаж невозможен'],
      ['consultation-only', 'Нужна была только консультация'],
      ['supply-deadline-missed', 'Сорван срок поставки'],
      ['chose-other-model', 'Выбрал другую модель'],
      ['other', 'Другое'],
    ] as const
  ).map(([code, name], i) => ({ code, name, ordering: (i + 1) * 10 })),
  orderTypes: [
    { code: 'main', name: 'Основной', ordering: 10 },
    { code: 'installation', name: 'Проект инсталляции домашнего кинотеатра', ordering: 20 },
    { code: 'listening-room', name: 'Запись в комнату прослушивания', ordering: 30 },
    { code: 'missed-call', name: 'Пропущенный звонок', ordering: 40 },
    { code: 'task', name: 'Задача', ordering: 50 },
  ],
  orderMethods: [
    { code: 'cart', name: 'Корзина', ordering: 10 },
    { code: 'one-click', name: 'Покупка в 1 клик', ordering: 20 },
    { code: 'phone', name: 'По телефону', ordering: 30 },
    { code: 'messenger', name: 'Мессенджер', ordering: 40 },
    { code: 'offline', name: 'Офлайн-магазин', ordering: 50 },
    { code: 'api', name: 'API', ordering: 60 },
  ],
  paymentTypes: [
    { code: 'cash', name: 'Наличными', ordering: 10 },
    { code: 'card-on-delivery', name: 'Картой курьеру', ordering: 20 },
    { code: 'card-online', name: 'Картой онлайн', ordering: 30 },
    { code: 'bank-transfer', name: 'Безналичный расчёт', ordering: 40 },
    { code: 'installments', name: 'Рассрочка', ordering: 50 },
    { code: 'credit', name: 'Кредит', ordering: 60 },
  ],
  paymentStatuses: [
    { code: 'not-paid', name: 'Не оплачен', ordering: 10 },
    { code: 'invoice', name: 'Выставлен счёт', ordering: 20 },
    { code: 'payment-link-sent', name: 'Отправлена ссылка на оплату', ordering: 30 },
    { code: 'credit-approval', name: 'На рассмотрении в банке', ordering: 40 },
    { code: 'credit-approved', name: 'Кредит одобрен', ordering: 50 },
    { code: 'credit-declined', name: 'Отказ банка', ordering: 60 },
    { code: 'paid', name: 'Оплачен', ordering: 70, paid: true },
    { code: 'returned', name: 'Возвращён', ordering: 80 },
  ],
  deliveryTypes: [
    { code: 'courier', name: 'Курьер Pult.ru', ordering: 10 },
    { code: 'pickup', name: 'Самовывоз из магазина', ordering: 20 },
    { code: 'cdek', name: 'СДЭК', ordering: 30 },
    { code: 'pickpoint', name: 'PickPoint', ordering: 40 },
    { code: 'dpd', name: 'DPD', ordering: 50 },
    { code: 'russian-post', name: 'Почта России', ordering: 60 },
  ],
  itemStatuses: [
    { code: 'in-stock', name: 'В наличии', ordering: 10 },
    { code: 'reserved', name: 'Зарезервирован', ordering: 20 },
    { code: 'awaiting-supply', name: 'Ожидает поставки', ordering: 30 },
    { code: 'out-of-stock', name: 'Нет в наличии', ordering: 40 },
  ],
  customFields: [
    {
      code: 'credit-application-sent',
      name: 'Заявка на кредит отправлена',
      entity: 'order',
      type: 'boolean',
    },
    { code: 'call-logged', name: 'Звонок совершён', entity: 'order', type: 'boolean' },
    { code: 'preferred-time', name: 'Удобное время звонка', entity: 'order', type: 'string' },
    { code: 'listening-date', name: 'Дата прослушивания', entity: 'order', type: 'date' },
    { code: 'room-area', name: 'Площадь помещения, м²', entity: 'order', type: 'decimal' },
    {
      code: 'interests',
      name: 'Интересы',
      entity: 'customer',
      type: 'dictionary',
      values: ['vinyl', 'home-cinema', 'headphones', 'hi-fi', 'multiroom'],
    },
    { code: 'vip', name: 'VIP', entity: 'customer', type: 'boolean' },
  ],
  validationRules: CASE_STUDY_RULES,
};
