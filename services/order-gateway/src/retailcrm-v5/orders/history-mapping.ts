import type { Money, OrderJson } from '@openretail/contracts';
import { formatCrmDateTime } from '../wire/dates';
import { fromMoney } from '../wire/money';
import type { CrmObject } from '../wire/values';
import { orderToCrm, type MappingContext } from './order-mapping';

/** A history entry as the orders service gives it (values parsed from their JSON). */
export interface HistoryEntry {
  id: number;
  orderId: string;
  site: string;
  field: string;
  oldValue: unknown;
  newValue: unknown;
  userId?: string;
  source: string;
  /** The API key the change was made with. */
  apiKeyId?: string;
  at: Date;
}

export interface HistoryContext extends MappingContext {
  /** The API key of the request: the entries it made are `apiKey.current`. */
  apiKeyId: string;
  /** The orders the entries are about and the orders their combines name, by id, as they are now. */
  orders: ReadonlyMap<string, OrderJson>;
}

/** Where a change came from, in RetailCRM's words: a person is a `user`, a trigger a `rule`. */
const SOURCES: Record<string, string> = {
  api: 'api',
  manager: 'user',
  trigger: 'rule',
  import: 'api',
  integration: 'api',
};

/** Plain order fields by their RetailCRM history names. */
const FIELDS: Record<string, string> = {
  status: 'status',
  statusUpdatedAt: 'status_updated_at',
  cancelReason: 'cancel_reason',
  externalId: 'external_id',
  orderType: 'order_type',
  orderMethod: 'order_method',
  managerId: 'manager',
  customerComment: 'customer_comment',
  managerComment: 'manager_comment',
  discount: 'discount_manual_amount',
  'customer.firstName': 'first_name',
  'customer.lastName': 'last_name',
  'customer.email': 'email',
  'customer.phones': 'phone',
  'customer.customerId': 'customer',
  'delivery.type': 'delivery_type',
  'delivery.carrier': 'delivery_service',
  'delivery.cost': 'delivery_cost',
  'delivery.netCost': 'delivery_net_cost',
  'delivery.address': 'delivery_address.text',
  'delivery.date': 'delivery_date',
  'delivery.timeFrom': 'delivery_time.from',
  'delivery.timeTo': 'delivery_time.to',
  'delivery.pickupPoint': 'delivery_data.pickuppoint_address',
};

/** Item and payment fields, after `order_product.` and `payments.`. */
const ITEM_FIELDS: Record<string, string> = {
  quantity: 'quantity',
  unitPrice: 'initial_price',
  discount: 'discount_total',
  status: 'status',
  name: 'name',
  offerExternalId: 'offer',
};
const PAYMENT_FIELDS: Record<string, string> = {
  type: 'type',
  status: 'status',
  amount: 'amount',
  paidAt: 'paid_at',
};

/** Values RetailCRM gives as `{code}`: references to the dictionaries. */
const CODE_FIELDS = new Set([
  'status',
  'order_type',
  'order_method',
  'delivery_type',
  'cancel_reason',
  'order_product.status',
  'payments.type',
  'payments.status',
]);

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const isMoney = (v: unknown): v is Money =>
  typeof v === 'object' && v !== null && typeof (v as Money).amountMinor === 'number';

function valueOf(field: string, value: unknown, ctx: MappingContext): unknown {
  if (value === null || value === undefined) return null;
  if (isMoney(value)) return fromMoney(value);
  if (CODE_FIELDS.has(field) && typeof value === 'string') return { code: value };
  if (field === 'phone' && Array.isArray(value)) return value[0] ?? null;
  if (/(_at|^delivery_date)$/.test(field) && typeof value === 'string' && value.includes('T')) {
    return formatCrmDateTime(value, ctx.timeZone);
  }
  return value;
}

/** An order as RetailCRM's history names it: {id, externalId, site, number}. */
function orderRef(order: OrderJson | undefined) {
  return compact({
    id: order?.numericId,
    externalId: order?.externalId,
    site: order?.site,
    number: order?.number,
  });
}

/**
 * One platform history entry in RetailCRM's shape: `id`, `createdAt`, `source`, `field`, `oldValue`,
 * `newValue`, the `order` it is about ({id, externalId, site, number}; the whole order for its
 * creation, with `created: true`), `item` or `payment` for changes of a line or a payment, and
 * `apiKey.current` when an API key made it: whether it is the key reading the history, by which
 * integrations skip their own changes. The orders of the context give the numeric ids and names.
 * A combine is `combined_to` on the order combined (with RetailCRM's `combinedTo`, the order it
 * went into) and `combined_from` on the order it went into.
 */
export function historyEntryToCrm(entry: HistoryEntry, ctx: HistoryContext): CrmObject {
  const order = ctx.orders.get(entry.orderId);
  const ref = {
    id: order?.numericId,
    externalId: order?.externalId,
    site: entry.site,
    number: order?.number,
  };
  const base: CrmObject = {
    id: entry.id,
    createdAt: formatCrmDateTime(entry.at, ctx.timeZone),
    source: SOURCES[entry.source] ?? 'api',
    ...(entry.userId
      ? { user: { id: /^\d+$/.test(entry.userId) ? Number(entry.userId) : entry.userId } }
      : {}),
    ...(entry.apiKeyId ? { apiKey: { current: entry.apiKeyId === ctx.apiKeyId } } : {}),
  };
  if (entry.field === 'combinedInto' || entry.field === 'combinedFrom') {
    const other = typeof entry.newValue === 'string' ? ctx.orders.get(entry.newValue) : undefined;
    return {
      ...base,
      field: entry.field === 'combinedInto' ? 'combined_to' : 'combined_from',
      oldValue: null,
      newValue: other?.numericId === undefined ? null : { id: other.numericId },
      order: compact(ref),
      ...(entry.field === 'combinedInto' ? { combinedTo: orderRef(other) } : {}),
    };
  }
  if (entry.field === 'created') {
    // The order as it was created, with the ids it has now.
    const { id: numericId, ...names } = ref;
    const created = { ...(entry.newValue as OrderJson), ...compact({ numericId, ...names }) } as OrderJson;
    return {
      ...base,
      created: true,
      field: 'id',
      oldValue: null,
      newValue: ref.id ?? null,
      order: orderToCrm(created, ctx),
    };
  }
  const line = /^(items|payments)\[([^\]]+)\](?:\.(.+))?$/.exec(entry.field);
  if (line) {
    const [, collection, id, member] = line;
    const isItem = collection === 'items';
    const prefix = isItem ? 'order_product' : 'payments';
    const names = isItem ? ITEM_FIELDS : PAYMENT_FIELDS;
    const field = member ? `${prefix}.${names[member] ?? snake(member)}` : prefix;
    const crmId = isItem ? id : paymentNumericId(id, entry, order);
    const whole = (v: unknown) => (v === null ? null : { id: crmId });
    return {
      ...base,
      field,
      oldValue: member ? valueOf(field, entry.oldValue, ctx) : whole(entry.oldValue),
      newValue: member ? valueOf(field, entry.newValue, ctx) : whole(entry.newValue),
      order: compact(ref),
      [isItem ? 'item' : 'payment']: { id: crmId },
    };
  }
  const tag = /^tags\[(.+)\]$/.exec(entry.field);
  const customField = /^customFields\.(.+)$/.exec(entry.field);
  const field = tag
    ? 'tags'
    : customField
      ? customField[1]
      : (FIELDS[entry.field] ?? entry.field.split('.').map(snake).join('.'));
  return {
    ...base,
    field,
    oldValue: valueOf(field, entry.oldValue, ctx),
    newValue: valueOf(field, entry.newValue, ctx),
    order: compact(ref),
  };
}

/**
 * The numeric id of a payment a history entry names by its platform id: in the payment recorded
 * whole (added or removed), or in the order as it is now; the platform id when neither has it.
 */
function paymentNumericId(id: string, entry: HistoryEntry, order: OrderJson | undefined): number | string {
  const whole = [entry.newValue, entry.oldValue].find(
    (v): v is { numericId: number } => typeof (v as { numericId?: unknown } | null)?.numericId === 'number',
  );
  return whole?.numericId ?? order?.payments?.find((p) => p.id === id)?.numericId ?? id;
}

function compact<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
