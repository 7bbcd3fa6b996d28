import type { Entry, ReferenceDocument } from '../wire/reference-snapshot';

/**
 * The reference dictionaries of RetailCRM API v5 (`/api/v5/reference/<path>`) over the platform's
 * reference data: which dictionary each is, the key of its answer, the form parameter of its edit,
 * and the translation of an entry both ways. A dictionary of the delivery or loyalty issues is one
 * more entry of REFERENCE_DICTIONARIES.
 */
export interface ReferenceDictionary {
  /** The path under /api/v5/reference. */
  path: string;
  /** The member of the reference data. */
  member: keyof ReferenceDocument & string;
  /** The key of the list answer (`statuses`, `orderTypes`...). */
  answerKey: string;
  /** The form parameter of `{code}/edit`; absent when RetailCRM has no edit for it. */
  editParam?: string;
  toCrm(entry: Entry, doc: ReferenceDocument): Record<string, unknown>;
  /** The platform entry after a RetailCRM edit of `current` (undefined for a new one). */
  fromCrm?(crm: Record<string, unknown>, current: Entry | undefined): Entry;
}

type Crm = Record<string, unknown>;

const common = (e: Entry) => ({ name: e.name, code: e.code, active: e.active, ordering: e.ordering ?? 0 });

/** name, active and ordering as RetailCRM sends them; the rest of the entry stays as it was. */
function edited(crm: Crm, current: Entry | undefined, extra: Record<string, unknown> = {}): Entry {
  return dropUndefined({
    ...current,
    code: String(crm.code ?? current?.code),
    name: typeof crm.name === 'string' ? crm.name : current?.name,
    active: typeof crm.active === 'boolean' ? crm.active : (current?.active ?? true),
    ordering: typeof crm.ordering === 'number' ? crm.ordering : current?.ordering,
    ...extra,
  }) as Entry;
}

/** A dictionary of codes and names only (order types and methods, payment and delivery types...). */
const simple = (
  path: string,
  member: ReferenceDictionary['member'],
  answerKey: string,
  editParam: string,
): ReferenceDictionary => ({
  path,
  member,
  answerKey,
  editParam,
  toCrm: (e) => ({ ...common(e), defaultForCrm: false, defaultForApi: false }),
  fromCrm: (crm, current) => edited(crm, current),
});

export const REFERENCE_DICTIONARIES: readonly ReferenceDictionary[] = [
  {
    path: 'statuses',
    member: 'statuses',
    answerKey: 'statuses',
    editParam: 'status',
    toCrm: (e) => ({ ...common(e), group: e.group }),
    fromCrm: (crm, current) =>
      edited(crm, current, { group: typeof crm.group === 'string' ? crm.group : current?.group }),
  },
  {
    path: 'status-groups',
    member: 'statusGroups',
    answerKey: 'statusGroups',
    toCrm: (e, doc) => ({
      ...common(e),
      // Complete and cancel end an order's processing; every other group is part of it.
      process: !['complete', 'cancel'].includes(String(e.kind)),
      statuses: doc.statuses
        .filter((s) => s.group === e.code)
        .sort((a, b) => (a.ordering ?? 0) - (b.ordering ?? 0))
        .map((s) => s.code),
    }),
  },
  simple('order-types', 'orderTypes', 'orderTypes', 'orderType'),
  simple('order-methods', 'orderMethods', 'orderMethods', 'orderMethod'),
  {
    ...simple('payment-types', 'paymentTypes', 'paymentTypes', 'paymentType'),
    toCrm: (e) => ({
      ...common(e),
      defaultForCrm: false,
      defaultForApi: false,
      deliveryTypes: [],
      paymentStatuses: [],
    }),
  },
  {
    path: 'payment-statuses',
    member: 'paymentStatuses',
    answerKey: 'paymentStatuses',
    editParam: 'paymentStatus',
    toCrm: (e) => ({
      ...common(e),
      defaultForCrm: false,
      defaultForApi: false,
      paymentComplete: e.paid === true,
      paymentTypes: [],
    }),
    fromCrm: (crm, current) =>
      edited(crm, current, {
        paid: typeof crm.paymentComplete === 'boolean' ? crm.paymentComplete : current?.paid,
      }),
  },
  {
    ...simple('delivery-types', 'deliveryTypes', 'deliveryTypes', 'deliveryType'),
    toCrm: (e) => ({ ...common(e), defaultForCrm: false, deliveryServices: [], paymentTypes: [] }),
  },
  {
    path: 'sites',
    member: 'sites',
    answerKey: 'sites',
    editParam: 'site',
    toCrm: (e) => ({
      ...common(e),
      currency: e.currency,
      countryIso: e.defaultPhoneRegion,
      defaultForCrm: false,
    }),
    fromCrm: (crm, current) =>
      edited(crm, current, {
        currency: typeof crm.currency === 'string' ? crm.currency : current?.currency,
        defaultPhoneRegion: typeof crm.countryIso === 'string' ? crm.countryIso : current?.defaultPhoneRegion,
      }),
  },
  {
    path: 'product-statuses',
    member: 'itemStatuses',
    answerKey: 'productStatuses',
    editParam: 'productStatus',
    toCrm: (e) => ({ ...common(e), cancelStatus: false }),
    fromCrm: (crm, current) => edited(crm, current),
  },
];

/** A dictionary as RetailCRM answers it: entries keyed by code, in display order. */
export function dictionaryToCrm(
  dictionary: ReferenceDictionary,
  doc: ReferenceDocument,
): Record<string, unknown> {
  const entries = [...((doc[dictionary.member] as Entry[] | undefined) ?? [])].sort(
    (a, b) => (a.ordering ?? 0) - (b.ordering ?? 0),
  );
  return Object.fromEntries(entries.map((e) => [e.code, dictionary.toCrm(e, doc)]));
}

/**
 * Applies a RetailCRM `{code}/edit` to the document: the entry with the code changes, or a new one
 * is added at the end. Whether the result is valid is the orders service's to say when it is saved.
 * Returns whether the entry is new.
 */
export function applyEdit(
  dictionary: ReferenceDictionary,
  doc: ReferenceDocument,
  code: string,
  crm: Crm,
): boolean {
  const list = (doc[dictionary.member] as Entry[] | undefined) ?? [];
  const index = list.findIndex((e) => e.code === code);
  const entry = dictionary.fromCrm!({ ...crm, code }, index >= 0 ? list[index] : undefined);
  if (index >= 0) list[index] = entry;
  else list.push(entry);
  (doc as Record<string, unknown>)[dictionary.member] = list;
  return index < 0;
}

/** Custom field types: the platform's `decimal` is RetailCRM's `numeric`. */
const FIELD_TYPES: Record<string, string> = { decimal: 'numeric' };

/** A custom field definition in RetailCRM's shape; a dictionary field's values are a dictionary of its code. */
export function customFieldToCrm(field: ReferenceDocument['customFields'][number], ordering: number) {
  return dropUndefined({
    name: field.name,
    code: field.code,
    required: false,
    inFilter: false,
    inList: false,
    inGroupActions: false,
    type: FIELD_TYPES[field.type] ?? field.type,
    entity: field.entity,
    ordering,
    active: field.active,
    dictionary: field.type === 'dictionary' ? field.code : undefined,
  });
}

/** The custom dictionaries: the values of dictionary fields, one dictionary per field code. */
export function customDictionaries(doc: ReferenceDocument) {
  const seen = new Set<string>();
  return doc.customFields
    .filter((f) => f.type === 'dictionary' && !seen.has(f.code) && seen.add(f.code))
    .map((f) => ({
      name: f.name,
      code: f.code,
      elements: (f.values ?? []).map((value, ordering) => ({ name: value, code: value, ordering })),
    }));
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
