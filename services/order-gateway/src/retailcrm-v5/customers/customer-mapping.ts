import type {
  AddressJson,
  ConsentChannel,
  ConsentJson,
  CustomerJson,
  CustomerNoteJson,
} from '@openretail/contracts';
import { formatCrmDateTime, parseCrmDateTime } from '../wire/dates';
import { fromMoney } from '../wire/money';
import { Problems, dropUndefined, flag, has, idValue, isObject, text, type CrmObject } from '../wire/values';

/**
 * Individual customers between RetailCRM API v5 and the platform: pure translation of names and
 * shapes (one `email` and the list of emails, the main `address` and the address list, the
 * subscription fields and consent per channel, local times and UTC). Every rule (codes, phone
 * formats, consent, custom field definitions) stays with the customers service.
 */

export interface CustomerMappingContext {
  /** The installation's time zone, for RetailCRM's `Y-m-d H:i:s`. */
  timeZone: string;
}

/** RetailCRM subscription channels by the platform's consent channels. */
const SUBSCRIPTION_CHANNELS: Record<string, ConsentChannel> = {
  email: 'email',
  sms: 'sms',
  waba: 'messengers',
  messengers: 'messengers',
};

/**
 * Fields RetailCRM keeps that have no counterpart here: a value that means something is refused,
 * not dropped, so the shop hears that it would be lost.
 */
const UNSUPPORTED: Record<string, { meaningful: (v: unknown) => boolean; reason: string }> = {
  personalDiscount: {
    meaningful: (v) => v !== null && Number(v) !== 0,
    reason: 'personal discounts are not kept by this installation',
  },
  discountCardNumber: {
    meaningful: (v) => typeof v === 'string' && v.trim() !== '',
    reason: 'discount cards are not kept by this installation',
  },
  bad: {
    meaningful: (v) => v === true || v === 1 || v === '1',
    reason: 'the "bad customer" mark is not kept',
  },
};

function refuseUnsupported(customer: CrmObject, problems: Problems) {
  for (const [name, { meaningful, reason }] of Object.entries(UNSUPPORTED)) {
    if (has(customer, name) && meaningful(customer[name])) problems.add(name, reason);
  }
  const contragent = customer.contragent;
  if (isObject(contragent) && contragent.contragentType && contragent.contragentType !== 'individual') {
    problems.add(
      'contragent.contragentType',
      'an individual customer is an individual here: legal entities are corporate customers (customers-corporate)',
    );
  }
}

// ---------------------------------------------------------------- addresses

/** Parts of a RetailCRM address the platform keeps as fields of its own. */
const ADDRESS_PARTS: [crm: string, platform: keyof AddressJson][] = [
  ['name', 'name'],
  ['text', 'text'],
  ['countryIso', 'country'],
  ['region', 'region'],
  ['city', 'city'],
  ['street', 'street'],
  ['building', 'building'],
  ['flat', 'flat'],
  ['index', 'postcode'],
  ['notes', 'notes'],
];

/**
 * The parts of an address in the order RetailCRM writes its text ("Мира, д. 1, стр. 2, корп. А,
 * кв./офис 5, под. 1, эт. 3, метро Сокол"); those without a field here (house, housing, block,
 * floor, metro) are kept in that text.
 */
const TEXT_PARTS: [crm: string, label: string][] = [
  ['street', ''],
  ['building', 'д.'],
  ['house', 'стр.'],
  ['housing', 'корп.'],
  ['flat', 'кв./офис'],
  ['block', 'под.'],
  ['floor', 'эт.'],
  ['metro', 'метро'],
];
const TEXT_ONLY = new Set(['house', 'housing', 'block', 'floor', 'metro']);

/**
 * A RetailCRM address as the platform's. Members absent stay absent (an edit changes only those
 * sent; "" clears). Parts without a field of their own go into the text when the client sent none.
 */
export function addressFromCrm(address: CrmObject): AddressJson {
  const out: Record<string, unknown> = {};
  for (const [crm, platform] of ADDRESS_PARTS) {
    if (has(address, crm)) out[platform] = text(address[crm]) ?? '';
  }
  if (has(address, 'isMain')) out.main = address.isMain === true || address.isMain === 1;
  if (!text(address.text) && TEXT_PARTS.some(([crm]) => TEXT_ONLY.has(crm) && text(address[crm]))) {
    out.text = TEXT_PARTS.flatMap(([crm, label]) => {
      const value = text(address[crm]);
      return value ? [label ? `${label} ${value}` : value] : [];
    }).join(', ');
  }
  return out as AddressJson;
}

export function addressToCrm(a: AddressJson): CrmObject {
  return dropUndefined({
    id: a.id,
    name: a.name,
    isMain: a.main ?? undefined,
    index: a.postcode,
    countryIso: a.country,
    region: a.region,
    city: a.city,
    street: a.street,
    building: a.building,
    flat: a.flat,
    notes: a.notes,
    text: a.text,
  });
}

/** "" stands for "clear" in an edit; in a new entity (or as a value) it is simply absent. */
export function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '')) as T;
}

/** The main address (the one marked main, or the first). */
export function mainAddress(addresses: readonly AddressJson[] | undefined): AddressJson | undefined {
  return addresses?.find((a) => a.main) ?? addresses?.[0];
}

// ---------------------------------------------------------------- subscriptions and consent

/**
 * The subscription fields as consent per channel: `subscribed` and `emailMarketingUnsubscribedAt`
 * are the email channel (an unsubscription time is a denial at that time, an empty one a grant),
 * `customerSubscriptions` name their channel by category code (email, sms, waba or messengers).
 */
function consentFromCrm(
  customer: CrmObject,
  ctx: CustomerMappingContext,
  problems: Problems,
): Partial<Record<ConsentChannel, ConsentJson>> {
  const consent: Partial<Record<ConsentChannel, ConsentJson>> = {};
  const subscribed = flag(customer.subscribed, 'subscribed', problems);
  if (subscribed !== undefined) consent.email = { status: subscribed ? 'granted' : 'denied' };
  if (has(customer, 'emailMarketingUnsubscribedAt')) {
    const at = text(customer.emailMarketingUnsubscribedAt);
    consent.email = at
      ? {
          status: 'denied',
          at: problems.try(() =>
            parseCrmDateTime(at, ctx.timeZone, 'emailMarketingUnsubscribedAt').toISOString(),
          ),
        }
      : { status: 'granted' };
  }
  const list = customer.customerSubscriptions;
  if (list !== undefined) {
    if (!Array.isArray(list)) problems.add('customerSubscriptions', 'must be a list');
    else
      list.forEach((s: unknown, i) => {
        const field = `customerSubscriptions[${i}]`;
        if (!isObject(s)) return problems.add(field, 'must be an object');
        const code = text(isObject(s.subscription) ? s.subscription.code : s.subscription);
        const channel = code ? SUBSCRIPTION_CHANNELS[code] : undefined;
        if (!channel) {
          return problems.add(
            `${field}.subscription`,
            `must be one of ${Object.keys(SUBSCRIPTION_CHANNELS).join(', ')} (the channels this installation keeps consent for)`,
          );
        }
        const on = flag(s.subscribed, `${field}.subscribed`, problems);
        if (on === undefined) return problems.add(`${field}.subscribed`, 'is required');
        const at = text(s.changedAt);
        consent[channel] = dropUndefined({
          status: on ? ('granted' as const) : ('denied' as const),
          at: at
            ? problems.try(() => parseCrmDateTime(at, ctx.timeZone, `${field}.changedAt`).toISOString())
            : undefined,
        });
      });
  }
  return consent;
}

function consentToCrm(consent: CustomerJson['consent'], ctx: CustomerMappingContext): CrmObject {
  const email = consent?.email;
  const time = (iso: string | undefined) => (iso ? formatCrmDateTime(iso, ctx.timeZone) : undefined);
  const channels = Object.entries(SUBSCRIPTION_CHANNELS).filter(([code]) => code !== 'messengers');
  const subscriptions = channels.flatMap(([code, channel]) => {
    const c = consent?.[channel];
    return c?.status
      ? [
          dropUndefined({
            subscription: { code, channel: code, name: code, active: true },
            subscribed: c.status === 'granted',
            changedAt: time(c.at),
          }),
        ]
      : [];
  });
  return dropUndefined({
    subscribed: email?.status ? email.status === 'granted' : undefined,
    emailMarketingUnsubscribedAt: email?.status === 'denied' ? time(email.at) : undefined,
    customerSubscriptions: subscriptions.length > 0 ? subscriptions : undefined,
  });
}

// ---------------------------------------------------------------- customers

/** Phones as RetailCRM sends them: [{number}] or plain strings. */
function phonesFromCrm(phones: unknown, problems: Problems): { number: string }[] | undefined {
  if (phones === undefined) return undefined;
  if (!Array.isArray(phones) && !isObject(phones)) return problems.add('phones', 'must be a list');
  return Object.values(phones).flatMap((p: unknown, i) => {
    const number = text(isObject(p) ? p.number : p);
    if (number === undefined) {
      problems.add(`phones[${i}].number`, 'is required');
      return [];
    }
    return number.trim() ? [{ number }] : [];
  });
}

/** Tags as RetailCRM sends them: [{name}] or plain names. */
export function tagNames(tags: unknown, field: string, problems: Problems): string[] | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) return problems.add(field, 'must be a list');
  return tags.flatMap((t: unknown, i) => {
    const name = text(isObject(t) ? t.name : t);
    if (!name) {
      problems.add(`${field}[${i}]`, 'must be a tag name');
      return [];
    }
    return [name];
  });
}

/**
 * The tags after an edit: `tags` replaces them, `addTags` and `removeTags` change them; undefined
 * when the edit names none of the three.
 */
export function tagsEdit(entity: CrmObject, current: readonly string[], problems: Problems) {
  const tags = tagNames(entity.tags, 'tags', problems);
  const added = tagNames(entity.addTags, 'addTags', problems) ?? [];
  const removed = new Set(tagNames(entity.removeTags, 'removeTags', problems) ?? []);
  if (!tags && added.length === 0 && removed.size === 0) return undefined;
  return [...new Set([...(tags ?? current), ...added])].filter((t) => !removed.has(t));
}

/** `birthday` as a date (some clients send it as `Y-m-d H:i:s` midnight). */
function birthdayFromCrm(value: unknown): string | undefined {
  const date = text(value);
  if (date === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$/.exec(date.trim());
  return m ? m[1] : date;
}

/** A RetailCRM customer to create on `site`, as the platform's customer; problems all at once. */
export function customerFromCrm(
  customer: CrmObject,
  site: string,
  ctx: CustomerMappingContext,
): CustomerJson {
  const problems = new Problems();
  refuseUnsupported(customer, problems);
  const email = text(customer.email);
  const address = isObject(customer.address) ? withoutEmpty(addressFromCrm(customer.address)) : undefined;
  if (has(customer, 'address') && !isObject(customer.address)) problems.add('address', 'must be an object');
  const consent = consentFromCrm(customer, ctx, problems);
  const result: CustomerJson = dropUndefined({
    site,
    externalId: text(customer.externalId),
    firstName: text(customer.firstName),
    lastName: text(customer.lastName),
    patronymic: text(customer.patronymic),
    phones: phonesFromCrm(customer.phones, problems),
    emails: email?.trim() ? [email] : undefined,
    addresses: address && Object.keys(address).length > 0 ? [{ ...address, main: true }] : undefined,
    birthday: birthdayFromCrm(customer.birthday),
    sex: text(customer.sex) || undefined,
    tags: tagNames(customer.tags, 'tags', problems),
    customFields: customFieldsFromCrm(customer.customFields, problems),
    consent: Object.keys(consent).length > 0 ? consent : undefined,
    managerId: text(customer.managerId),
    vip: flag(customer.vip, 'vip', problems),
  });
  problems.throwIfAny();
  return result;
}

function customFieldsFromCrm(value: unknown, problems: Problems): CustomerJson['customFields'] {
  if (value === undefined) return undefined;
  // PHP encodes an empty associative array as [].
  if (Array.isArray(value) && value.length === 0) return {};
  if (!isObject(value)) return problems.add('customFields', 'must be an object');
  return value as CustomerJson['customFields'];
}

/** What an edit changes: the new values and the update mask naming them. */
export interface CustomerEdit {
  customer: CustomerJson;
  mask: string[];
}

/**
 * A RetailCRM edit (only the fields sent change; "" or null clears) as the platform's update.
 * `current` is the customer it edits: `email` is the first of its emails, `address` its main
 * address, and `addTags`/`removeTags` change its tags.
 */
export function customerEditFromCrm(
  customer: CrmObject,
  current: CustomerJson,
  by: 'id' | 'externalId',
  ctx: CustomerMappingContext,
): CustomerEdit {
  const problems = new Problems();
  refuseUnsupported(customer, problems);
  const out: Record<string, unknown> = {};
  const mask: string[] = [];
  const set = (field: string, value: unknown) => {
    out[field] = value === '' || value === null ? undefined : value;
    mask.push(field);
  };
  const scalar = (crm: string, field = crm, value = (v: unknown) => text(v)) => {
    if (has(customer, crm)) set(field, customer[crm] === null ? undefined : value(customer[crm]));
  };
  // With by=externalId the externalId names the customer; with by=id it may be changed.
  if (by === 'id') scalar('externalId');
  scalar('firstName');
  scalar('lastName');
  scalar('patronymic');
  scalar('sex');
  scalar('managerId');
  scalar('birthday', 'birthday', birthdayFromCrm);
  if (has(customer, 'vip')) set('vip', flag(customer.vip, 'vip', problems) ?? false);
  if (has(customer, 'email')) {
    const email = text(customer.email)?.trim();
    const rest = (current.emails ?? []).slice(1);
    set('emails', email ? [email, ...rest] : rest);
  }
  if (has(customer, 'phones')) set('phones', phonesFromCrm(customer.phones ?? [], problems) ?? []);
  if (has(customer, 'address')) {
    const addresses = [...(current.addresses ?? [])];
    const main = mainAddress(addresses);
    if (customer.address === null) {
      set(
        'addresses',
        addresses.filter((a) => a !== main),
      );
    } else if (!isObject(customer.address)) {
      problems.add('address', 'must be an object');
    } else {
      // The main address changes member by member, as RetailCRM edits it.
      const merged = withoutEmpty({ ...main, ...addressFromCrm(customer.address), main: true });
      set('addresses', main ? addresses.map((a) => (a === main ? merged : a)) : [...addresses, merged]);
    }
  }
  const tags = tagsEdit(customer, current.tags ?? [], problems);
  if (tags) set('tags', tags);
  const customFields = customFieldsFromCrm(customer.customFields, problems);
  for (const [code, value] of Object.entries(customFields ?? {})) {
    out.customFields = {
      ...(out.customFields as object),
      ...(value === null || value === '' ? {} : { [code]: value }),
    };
    mask.push(`customFields.${code}`);
  }
  const consent = consentFromCrm(customer, ctx, problems);
  for (const [channel, value] of Object.entries(consent)) {
    out.consent = { ...(out.consent as object), [channel]: value };
    mask.push(`consent.${channel}`);
  }
  problems.throwIfAny();
  return { customer: dropUndefined(out) as CustomerJson, mask };
}

/**
 * The platform's names of customer fields as RetailCRM names them, for error messages:
 * `emails[0]` is `email`, `addresses[0].postcode` is `address.index`, `consent.email` is
 * `emailMarketingUnsubscribedAt`.
 */
export function crmCustomerFieldName(field: string): string {
  const rules: [RegExp, string][] = [
    [/^emails(\[\d+\])?/, 'email'],
    [/^phones\[(\d+)\](\.number)?$/, 'phones[$1].number'],
    [/^addresses\[[^\]]+\]\.postcode/, 'address.index'],
    [/^addresses\[[^\]]+\]\.country/, 'address.countryIso'],
    [/^addresses\[[^\]]+\]\.main/, 'address.isMain'],
    [/^addresses(\[[^\]]+\])?/, 'address'],
    [/^consent\.email/, 'emailMarketingUnsubscribedAt'],
    [/^consent\.(sms|messengers)/, 'customerSubscriptions'],
  ];
  const name = field.replace(/^customer\./, '');
  for (const [pattern, replacement] of rules) {
    if (pattern.test(name)) return name.replace(pattern, replacement);
  }
  return name;
}

/** A platform customer in RetailCRM's shape (the customer of a get, a list, history). */
export function customerToCrm(c: CustomerJson, ctx: CustomerMappingContext): CrmObject {
  const m = c.metrics;
  const main = mainAddress(c.addresses);
  return dropUndefined({
    type: 'customer',
    id: c.numericId,
    externalId: c.externalId,
    site: c.site,
    createdAt: c.createdAt ? formatCrmDateTime(c.createdAt, ctx.timeZone) : undefined,
    managerId: idValue(c.managerId),
    vip: c.vip ?? false,
    bad: false,
    contragent: { contragentType: 'individual' },
    firstName: c.firstName,
    lastName: c.lastName,
    patronymic: c.patronymic,
    sex: c.sex,
    email: c.emails?.[0],
    phones: (c.phones ?? []).map((p) => ({ number: p.number })),
    birthday: c.birthday,
    address: main ? addressToCrm(main) : undefined,
    tags: (c.tags ?? []).map((name) => ({ name, attached: false })),
    customFields: c.customFields ?? {},
    ...consentToCrm(c.consent, ctx),
    // The metrics the customers service keeps from order events, in the site's currency.
    ordersCount: m?.ordersCount ?? 0,
    totalSumm: fromMoney(m?.totalSpent),
    averageSumm: fromMoney(m?.averageCheck),
    firstOrderDate: m?.firstOrderAt ? formatCrmDateTime(m.firstOrderAt, ctx.timeZone) : undefined,
    lastOrderDate: m?.lastOrderAt ? formatCrmDateTime(m.lastOrderAt, ctx.timeZone) : undefined,
  });
}

/** The short reference RetailCRM puts in notes, history entries and corporate contacts. */
export function customerRefToCrm(c: Pick<CustomerJson, 'numericId' | 'externalId' | 'site'>): CrmObject {
  return dropUndefined({ id: c.numericId, externalId: c.externalId, site: c.site });
}

export function noteToCrm(
  note: CustomerNoteJson,
  customer: Pick<CustomerJson, 'numericId' | 'externalId' | 'site'> | undefined,
  ctx: CustomerMappingContext,
): CrmObject {
  return dropUndefined({
    id: note.id,
    text: note.text,
    createdAt: note.createdAt ? formatCrmDateTime(note.createdAt, ctx.timeZone) : undefined,
    managerId: idValue(note.authorId),
    customer: customer ? { type: 'customer', ...customerRefToCrm(customer) } : undefined,
  });
}
