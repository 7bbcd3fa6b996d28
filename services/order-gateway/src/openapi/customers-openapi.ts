import { z } from 'zod';
import {
  CONSENT_CHANNELS,
  HISTORY_SOURCES,
  ORDER_HISTORY_SOURCES,
  SEXES,
  addressFieldsSchema,
  corporateCustomerEditSchema,
  customerProfileEditSchema,
  type AddressJson,
  type CompanyJson,
  type ConsentJson,
  type ContactPersonJson,
  type CorporateCustomerJson,
  type CustomerJson,
  type CustomerMetricsJson,
  type CustomerNoteJson,
} from '@openretail/contracts';
import type { Permission } from '../access';
import {
  addressBody,
  companyBody,
  contactBody,
  createCorporateBody,
  createCustomerBody,
  customerHistoryQuery,
  listCorporateQuery,
  listCustomersQuery,
  noteBody,
  notesQuery,
  searchCustomersQuery,
} from '../customers/customer-requests';
import {
  HISTORY,
  LIST,
  arrayOf,
  dateTime,
  mapValues,
  mergePatchOf,
  object,
  operation,
  param,
  patchOf,
  pathParam,
  query,
  ref,
  string,
  type Schema,
} from './openapi-parts';

/** The customer and corporate customer parts of the OpenAPI document (see openapi-document.ts). */

const PAGE = {
  pageSize: 'At most this many (default 20, at most 100).',
  pageToken: 'The nextPageToken of the previous page.',
};

/** The request bodies, generated from the schemas the gateway validates with. */
export function customerRequestSchemas(): Record<string, Schema> {
  const registry = z.registry<{ id: string }>();
  const named: Record<string, z.ZodType> = {
    CustomerProfileInput: createCustomerBody,
    CustomerAddressInput: addressBody,
    CustomerProfileEdit: customerProfileEditSchema,
    CustomerNoteInput: noteBody,
    CorporateCustomerInput: createCorporateBody,
    CompanyInput: companyBody,
    ContactPersonInput: contactBody,
    CorporateCustomerEdit: corporateCustomerEditSchema,
    CustomerAddressFields: addressFieldsSchema,
  };
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  const generated = mapValues(
    schemas as Record<string, Schema>,
    ({ $schema: _dialect, $id: _id, ...schema }) => schema,
  );
  const resolve = (s: Schema): Schema =>
    typeof s.$ref === 'string' ? generated[s.$ref.replace('#/components/schemas/', '')] : s;
  const patch = (edit: Schema, merged: string[], description: string): Schema => ({
    ...mergePatchOf(edit, merged, resolve),
    description,
  });
  // The edit schemas are what the patches are made of; a request is a patch.
  const { CustomerProfileEdit: customerEdit, CorporateCustomerEdit: corporateEdit, ...requests } = generated;
  const without = (schema: Schema, member: string): Schema => {
    const { [member]: _gone, ...properties } = schema.properties as Record<string, Schema>;
    return { ...schema, properties };
  };
  return {
    ...requests,
    CustomerPatch: patch(
      customerEdit,
      ['customFields', 'consent'],
      'A JSON merge patch (RFC 7396) of the customer: members given replace, null clears. The members of ' +
        'customFields and consent merge one level down (a recorded consent cannot be cleared, only denied); ' +
        'phones, emails, addresses and tags replace as a whole. The site never changes.',
    ),
    CorporateCustomerPatch: patch(
      corporateEdit,
      ['customFields'],
      "A JSON merge patch of the corporate customer's own fields; companies, contacts and addresses " +
        'change through their own routes.',
    ),
    CompanyPatch: {
      ...patchOf(generated.CompanyInput),
      description: 'A JSON merge patch of the company: members given replace, null clears.',
    },
    ContactPersonPatch: {
      ...patchOf(without(generated.ContactPersonInput, 'customerId')),
      description: 'A JSON merge patch of the contact: role, main, companyId.',
    },
    AddressPatch: {
      ...patchOf(without(generated.CustomerAddressFields, 'id')),
      description: 'A JSON merge patch of the address: members given replace, null clears.',
    },
  };
}

/** What the customer routes answer with, written against the response types. */
export function customerResponseSchemas(): Record<string, Schema> {
  const money = ref('Money');
  const address = object<AddressJson>({
    id: string('Give it back to keep the address when the list is replaced.'),
    name: string(),
    main: { type: 'boolean' },
    text: string('The whole address as one line.'),
    country: string('ISO 3166-1 alpha-2.'),
    region: string(),
    city: string(),
    street: string(),
    building: string(),
    flat: string(),
    postcode: string(),
    notes: string(),
  });
  const consent = object<ConsentJson>(
    {
      status: { type: 'string', enum: ['granted', 'denied'] },
      at: dateTime('When the customer gave or refused it.'),
      source: { type: 'string', enum: [...ORDER_HISTORY_SOURCES], description: 'Where it was recorded.' },
    },
    ['status', 'at'],
  );
  const metrics = object<CustomerMetricsJson>(
    {
      ordersCount: { type: 'integer' },
      totalSpent: money,
      averageCheck: money,
      paidTotal: money,
      cancellations: { type: 'integer' },
      firstOrderAt: dateTime(),
      lastOrderAt: dateTime(),
    },
    ['ordersCount', 'cancellations'],
    'Kept current from order events.',
  );
  const version = {
    type: 'integer',
    minimum: 1,
    description: 'Goes up with every change: the value of If-Match.',
  };
  const numericId = {
    type: 'integer',
    minimum: 1,
    description:
      "The customer's number in the installation: one numbering for individual and corporate customers, increasing with creation.",
  };
  const customer = object<CustomerJson>(
    {
      id: string(),
      numericId,
      site: string('Site code.'),
      externalId: string('The id of the customer in the system that sent it, unique in its site.'),
      firstName: string(),
      lastName: string(),
      patronymic: string(),
      phones: {
        ...arrayOf(
          object<{ number: string; e164: string }>(
            { number: string('As given.'), e164: string("In E.164 for the site's region, when it parses.") },
            ['number'],
          ),
        ),
        description: 'The first is the main phone.',
      },
      emails: { ...arrayOf(string()), description: 'The first is the main email.' },
      addresses: arrayOf(ref('CustomerAddress')),
      birthday: { type: 'string', format: 'date' },
      sex: { type: 'string', enum: [...SEXES] },
      tags: arrayOf(string()),
      customFields: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      consent: {
        type: 'object',
        properties: Object.fromEntries(CONSENT_CHANNELS.map((c) => [c, ref('Consent')])),
      },
      managerId: string(),
      vip: { type: 'boolean' },
      metrics: ref('CustomerMetrics'),
      mergedInto: string('Set when this profile was merged into another: the id of that one.'),
      version,
      createdAt: dateTime(),
      updatedAt: dateTime(),
    },
    [
      'id',
      'site',
      'phones',
      'emails',
      'addresses',
      'tags',
      'customFields',
      'consent',
      'vip',
      'metrics',
      'version',
      'createdAt',
      'updatedAt',
    ],
    'An individual customer. Times in ISO 8601 UTC, money in integer minor units.',
  );
  const company = object<CompanyJson>(
    {
      id: string(),
      name: string(),
      main: { type: 'boolean' },
      legalName: string(),
      inn: string(),
      kpp: string(),
      ogrn: string(),
      taxNumber: string('A tax number outside Russia.'),
      legalAddress: string(),
      bank: string(),
      bik: string(),
      bankAccount: string(),
      corrAccount: string(),
      createdAt: dateTime(),
    },
    ['id', 'name', 'main', 'createdAt'],
  );
  const contact = object<ContactPersonJson>(
    {
      customerId: string('The individual customer who acts for the corporate customer.'),
      role: string(),
      main: { type: 'boolean' },
      companyId: string('The company the person acts for, when only one.'),
    },
    ['customerId', 'main'],
  );
  const corporate = object<CorporateCustomerJson>(
    {
      id: string(),
      numericId,
      site: string(),
      externalId: string(),
      name: string(),
      companies: arrayOf(ref('Company')),
      contacts: arrayOf(ref('ContactPerson')),
      addresses: arrayOf(ref('CustomerAddress')),
      managerId: string(),
      vip: { type: 'boolean' },
      tags: arrayOf(string()),
      customFields: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      mergedInto: string(),
      version,
      createdAt: dateTime(),
      updatedAt: dateTime(),
    },
    [
      'id',
      'site',
      'name',
      'companies',
      'contacts',
      'addresses',
      'vip',
      'tags',
      'customFields',
      'version',
      'createdAt',
      'updatedAt',
    ],
    'A corporate customer: its companies, contact persons and addresses.',
  );
  const note = object<CustomerNoteJson>(
    {
      id: string(),
      customerId: string(),
      text: string(),
      authorId: string('The user who wrote it.'),
      source: { type: 'string', enum: [...HISTORY_SOURCES] },
      createdAt: dateTime(),
    },
    ['id', 'customerId', 'text', 'source', 'createdAt'],
  );
  const nextPageToken = string('Present when there are more: pass it as pageToken for the next page.');
  return {
    Customer: customer,
    CustomerAddress: address,
    Consent: consent,
    CustomerMetrics: metrics,
    CustomerList: {
      type: 'object',
      properties: { customers: arrayOf(ref('Customer')), nextPageToken },
      required: ['customers'],
    },
    CustomerSearchResult: {
      type: 'object',
      properties: { customers: { ...arrayOf(ref('Customer')), description: 'Most recently updated first.' } },
      required: ['customers'],
    },
    CustomerNote: note,
    CustomerNoteList: {
      type: 'object',
      properties: { notes: arrayOf(ref('CustomerNote')), nextPageToken },
      required: ['notes'],
    },
    Company: company,
    ContactPerson: contact,
    CorporateCustomer: corporate,
    CorporateCustomerList: {
      type: 'object',
      properties: { corporateCustomers: arrayOf(ref('CorporateCustomer')), nextPageToken },
      required: ['corporateCustomers'],
    },
    CustomerHistoryEntry: {
      type: 'object',
      properties: {
        id: { type: 'integer', description: 'Increases with every entry of the installation: the cursor.' },
        customerId: string(),
        customerKind: { type: 'string', enum: ['individual', 'corporate'] },
        site: string(),
        field: string(
          'Dotted path, e.g. lastName, phones, consent.sms, tags[<tag>], addresses[<id>].city, notes[<id>], ' +
            'companies[<id>].inn, contacts[<customerId>], or created.',
        ),
        oldValue: { description: 'The JSON value before; null when not set.' },
        newValue: { description: 'The JSON value after; null when not set.' },
        userId: string('The user who made the change, if a person did.'),
        source: { type: 'string', enum: [...HISTORY_SOURCES] },
        at: dateTime(),
      },
      required: ['id', 'customerId', 'customerKind', 'site', 'field', 'oldValue', 'newValue', 'source', 'at'],
    },
    CustomerHistoryPage: {
      type: 'object',
      properties: {
        entries: arrayOf(ref('CustomerHistoryEntry')),
        lastId: {
          type: 'integer',
          description:
            'The afterId of the next call. It may move past entries of sites the key cannot see, so a page ' +
            'can be empty while lastId moves.',
        },
      },
      required: ['entries', 'lastId'],
    },
  };
}

export function customerPaths(): Record<string, Record<string, Schema>> {
  const read: Permission[] = ['customers:read'];
  const write: Permission[] = ['customers:write'];
  const customerId = pathParam('id', 'The customer id.');
  const corporateId = pathParam('id', 'The corporate customer id.');
  const customer = ref('Customer');
  const corporate = ref('CorporateCustomer');
  const byExternalId = [
    pathParam('site', 'The site code.'),
    pathParam('externalId', 'The id of the customer in the system that sent it.'),
  ];
  const history = (summary: string, operationId: string, id: Schema) =>
    operation({
      operationId,
      tag: 'customer-history',
      summary,
      permissions: read,
      parameters: [id, ...query(customerHistoryQuery.omit({ site: true }), HISTORY)],
      response: ref('CustomerHistoryPage'),
      errors: [404, 503],
    });
  /** A change of a corporate customer's part: the whole corporate customer comes back. */
  const part = (o: {
    operationId: string;
    summary: string;
    params: Schema[];
    body?: string;
    status?: number;
  }) =>
    operation({
      operationId: o.operationId,
      tag: 'corporate-customers',
      summary: o.summary,
      permissions: write,
      parameters: [corporateId, ...o.params, param('IfMatch')],
      ...(o.body ? { body: ref(o.body) } : {}),
      ...(o.status
        ? { status: o.status, responseDescription: 'Created: the corporate customer with it' }
        : {}),
      response: corporate,
      errors: [404, 409, 503],
    });
  const companyId = pathParam('companyId', 'The company id.');
  const contactId = pathParam('customerId', 'The id of the contact person (an individual customer).');
  const addressId = pathParam('addressId', 'The address id.');
  return {
    '/v1/customers': {
      post: operation({
        operationId: 'createCustomer',
        tag: 'customers',
        summary: 'Create a customer',
        description:
          "Phones are normalised to E.164 with the site's phone region; custom fields follow the customer " +
          'definitions of the reference data. With an Idempotency-Key (or the same externalId) a retry ' +
          'returns the customer created first.',
        permissions: write,
        parameters: [param('IdempotencyKey')],
        body: ref('CustomerProfileInput'),
        status: 201,
        response: customer,
        responseDescription: 'Created',
        errors: [409, 503],
      }),
      get: operation({
        operationId: 'listCustomers',
        tag: 'customers',
        summary: 'List customers, newest first',
        permissions: read,
        parameters: query(listCustomersQuery, {
          site: LIST,
          tag: 'Customers with every one of these tags. ' + LIST,
          includeMerged: 'Also profiles merged into others (left out by default).',
          createdFrom: 'Created at or after this time.',
          createdTo: 'Created before this time.',
          ...PAGE,
        }),
        response: ref('CustomerList'),
        errors: [503],
      }),
    },
    '/v1/customers/search': {
      get: operation({
        operationId: 'searchCustomers',
        tag: 'customers',
        summary: 'Find customers by phone, email or name',
        description: 'Every criterion given must match. At least one of phone, email and name.',
        permissions: read,
        parameters: query(searchCustomersQuery, {
          phone: "Any format: normalised with each site's phone region.",
          email: 'Case and surrounding spaces do not matter.',
          name: 'Every word must be part of the last, first or patronymic name (ё matches е).',
          site: LIST,
          limit: 'At most this many (default 20, at most 100).',
        }),
        response: ref('CustomerSearchResult'),
        errors: [503],
      }),
    },
    '/v1/customers/history': {
      get: operation({
        operationId: 'listCustomersHistory',
        tag: 'customer-history',
        summary: 'The history of every customer, individual and corporate, after a cursor',
        description: 'For integrations that sync changes: call again with afterId = lastId.',
        permissions: read,
        parameters: query(customerHistoryQuery, { ...HISTORY, site: LIST }),
        response: ref('CustomerHistoryPage'),
        errors: [503],
      }),
    },
    '/v1/customers/by-external-id/{site}/{externalId}': {
      get: operation({
        operationId: 'getCustomerByExternalId',
        tag: 'customers',
        summary: 'Get a customer by its external id',
        permissions: read,
        parameters: byExternalId,
        response: customer,
        errors: [404, 503],
      }),
    },
    '/v1/customers/{id}': {
      get: operation({
        operationId: 'getCustomer',
        tag: 'customers',
        summary: 'Get a customer',
        permissions: read,
        parameters: [customerId],
        response: customer,
        errors: [404, 503],
      }),
      patch: operation({
        operationId: 'updateCustomer',
        tag: 'customers',
        summary: 'Edit a customer (JSON merge patch)',
        permissions: write,
        parameters: [customerId, param('IfMatch')],
        body: ref('CustomerPatch'),
        response: customer,
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/customers/{id}/history': {
      get: history('The history of one customer', 'getCustomerHistory', customerId),
    },
    '/v1/customers/{id}/corporate-customers': {
      get: operation({
        operationId: 'listLinkedCorporateCustomers',
        tag: 'customers',
        summary: 'The corporate customers this person is a contact of',
        description: 'The legal entities a buyer orders through.',
        permissions: read,
        parameters: [customerId, ...query(notesQuery, PAGE)],
        response: ref('CorporateCustomerList'),
        errors: [503],
      }),
    },
    '/v1/customers/{id}/notes': {
      get: operation({
        operationId: 'listCustomerNotes',
        tag: 'customers',
        summary: 'The notes on a customer, newest first',
        permissions: read,
        parameters: [customerId, ...query(notesQuery, PAGE)],
        response: ref('CustomerNoteList'),
        errors: [404, 503],
      }),
      post: operation({
        operationId: 'addCustomerNote',
        tag: 'customers',
        summary: 'Add a note to a customer',
        description: 'The acting user is its author. A note does not change the version of the customer.',
        permissions: write,
        parameters: [customerId],
        body: ref('CustomerNoteInput'),
        status: 201,
        response: ref('CustomerNote'),
        responseDescription: 'Created',
        errors: [404, 422, 503],
      }),
    },
    '/v1/customers/{id}/notes/{noteId}': {
      delete: operation({
        operationId: 'deleteCustomerNote',
        tag: 'customers',
        summary: 'Delete a note',
        permissions: write,
        parameters: [customerId, pathParam('noteId', 'The note id.')],
        status: 204,
        responseDescription: 'Deleted',
        errors: [404, 503],
      }),
    },
    '/v1/corporate-customers': {
      post: operation({
        operationId: 'createCorporateCustomer',
        tag: 'corporate-customers',
        summary: 'Create a corporate customer',
        description:
          'With its first companies, contacts (individual customers of the same site) and addresses. With ' +
          'an Idempotency-Key a retry returns the corporate customer created first.',
        permissions: write,
        parameters: [param('IdempotencyKey')],
        body: ref('CorporateCustomerInput'),
        status: 201,
        response: corporate,
        responseDescription: 'Created',
        errors: [409, 503],
      }),
      get: operation({
        operationId: 'listCorporateCustomers',
        tag: 'corporate-customers',
        summary: 'List corporate customers, newest first',
        permissions: read,
        parameters: query(listCorporateQuery, {
          site: LIST,
          name: 'Every word must be part of the name.',
          inn: 'Corporate customers with a company of this INN.',
          contactCustomerId: 'Corporate customers this individual customer is a contact of.',
          includeMerged: 'Also corporate customers merged into others.',
          ...PAGE,
        }),
        response: ref('CorporateCustomerList'),
        errors: [503],
      }),
    },
    '/v1/corporate-customers/by-external-id/{site}/{externalId}': {
      get: operation({
        operationId: 'getCorporateCustomerByExternalId',
        tag: 'corporate-customers',
        summary: 'Get a corporate customer by its external id',
        permissions: read,
        parameters: byExternalId,
        response: corporate,
        errors: [404, 503],
      }),
    },
    '/v1/corporate-customers/{id}': {
      get: operation({
        operationId: 'getCorporateCustomer',
        tag: 'corporate-customers',
        summary: 'Get a corporate customer',
        permissions: read,
        parameters: [corporateId],
        response: corporate,
        errors: [404, 503],
      }),
      patch: operation({
        operationId: 'updateCorporateCustomer',
        tag: 'corporate-customers',
        summary: 'Edit a corporate customer (JSON merge patch)',
        permissions: write,
        parameters: [corporateId, param('IfMatch')],
        body: ref('CorporateCustomerPatch'),
        response: corporate,
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/corporate-customers/{id}/history': {
      get: history('The history of one corporate customer', 'getCorporateCustomerHistory', corporateId),
    },
    '/v1/corporate-customers/{id}/companies': {
      post: part({
        operationId: 'addCompany',
        summary: 'Add a company',
        params: [],
        body: 'CompanyInput',
        status: 201,
      }),
    },
    '/v1/corporate-customers/{id}/companies/{companyId}': {
      patch: part({
        operationId: 'updateCompany',
        summary: 'Edit a company',
        params: [companyId],
        body: 'CompanyPatch',
      }),
      delete: part({ operationId: 'removeCompany', summary: 'Remove a company', params: [companyId] }),
    },
    '/v1/corporate-customers/{id}/contacts': {
      post: part({
        operationId: 'addContactPerson',
        summary: 'Add a contact person',
        params: [],
        body: 'ContactPersonInput',
        status: 201,
      }),
    },
    '/v1/corporate-customers/{id}/contacts/{customerId}': {
      patch: part({
        operationId: 'updateContactPerson',
        summary: 'Edit a contact person',
        params: [contactId],
        body: 'ContactPersonPatch',
      }),
      delete: part({
        operationId: 'removeContactPerson',
        summary: 'Remove a contact person',
        params: [contactId],
      }),
    },
    '/v1/corporate-customers/{id}/addresses': {
      post: part({
        operationId: 'addCorporateAddress',
        summary: 'Add an address',
        params: [],
        body: 'CustomerAddressInput',
        status: 201,
      }),
    },
    '/v1/corporate-customers/{id}/addresses/{addressId}': {
      patch: part({
        operationId: 'updateCorporateAddress',
        summary: 'Edit an address',
        params: [addressId],
        body: 'AddressPatch',
      }),
      delete: part({
        operationId: 'removeCorporateAddress',
        summary: 'Remove an address',
        params: [addressId],
      }),
    },
  };
}
