import { z } from 'zod';
import {
  CONTRAGENT_TYPES,
  HISTORY_SOURCES,
  contragentInputSchema,
  customerInputSchema,
  deliveryInputSchema,
  itemInputSchema,
  moneySchema,
  orderEditSchema,
  paymentEditSchema,
  type OrderItemJson,
  type OrderJson,
  type PaymentJson,
} from '@openretail/contracts';
import type { HealthReport } from '@openretail/observability';
import { PERMISSIONS, type Permission } from '../access';
import { createApiKeyBody } from '../access/api-keys/api-key.schema';
import type { ApiKeyView } from '../access/api-keys/api-keys.service';
import { listQuery, type Page } from '../access/http-input';
import { createUserBody, updateUserBody } from '../access/users/user.schema';
import type { UserView } from '../access/users/users.service';
import type { ErrorBody } from '../http/error-filter';
import {
  attentionQuery,
  combineBody,
  createOrderBody,
  dryRunBody,
  historyQuery,
  idempotencyKeyHeader,
  ifMatchHeader,
  listOrdersQuery,
  paymentBody,
  statusChangeBody,
} from '../orders/order-requests';
import { customerPaths, customerRequestSchemas, customerResponseSchemas } from './customers-openapi';
import { identityPaths, identityRequestSchemas, identityResponseSchemas } from './identity-openapi';
import { segmentPaths, segmentRequestSchemas, segmentResponseSchemas } from './segments-openapi';
import {
  HISTORY,
  LIST,
  PAGE,
  arrayOf,
  dateTime,
  errorResponses,
  jsonSchema,
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
  type Members,
  type Schema,
} from './openapi-parts';

/**
 * The gateway's OpenAPI 3.1 document. Request bodies, query parameters and headers are generated
 * from the zod schemas the gateway validates with, so the document cannot promise what validation
 * refuses; responses, which have no zod schema, are written here against the TypeScript types they
 * follow (a field added to OrderJson fails the build until it is documented). The test of this
 * folder checks that every route the gateway serves is here and nothing else is.
 */

/** An API key's sites: "all" or site codes. */
const SITES: Schema = {
  anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }],
};

/** The request bodies, generated; shared parts (customer, items...) become components of their own. */
function generatedRequestSchemas(): Record<string, Schema> {
  const registry = z.registry<{ id: string }>();
  const named: Record<string, z.ZodType> = {
    OrderInput: createOrderBody,
    CustomerInput: customerInputSchema,
    ContragentInput: contragentInputSchema,
    ItemInput: itemInputSchema,
    DeliveryInput: deliveryInputSchema,
    PaymentInput: paymentBody,
    OrderEdit: orderEditSchema,
    PaymentEdit: paymentEditSchema,
    StatusChange: statusChangeBody,
    CombineRequest: combineBody,
    DryRunRequest: dryRunBody,
    CreateApiKey: createApiKeyBody,
    CreateUser: createUserBody,
    UserPatch: updateUserBody,
  };
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  // Components of this document, not standalone JSON Schema resources with identifiers of their own.
  const generated = mapValues(
    schemas as Record<string, Schema>,
    ({ $schema: _dialect, $id: _id, ...schema }) => schema,
  );
  // createApiKeyBody reads sites with a function (so that its errors name the item): no JSON Schema.
  (generated.CreateApiKey.properties as Record<string, Schema>).sites = {
    ...SITES,
    description:
      'The sites whose orders the key may read and write: "all" (also sites added later) or codes.',
  };
  return generated;
}

/**
 * The order fields whose object value a PATCH merges into instead of replacing, as orderPatch in
 * orders/order-requests.ts does; the test checks this list against orderPatch itself.
 */
export const MERGED_PATCH_FIELDS = ['customer', 'contragent', 'delivery', 'customFields'] as const;

/** OrderPatch, PaymentPatch and the precise shape of a dry run, derived from the generated schemas. */
function patchSchemas(generated: Record<string, Schema>): Record<string, Schema> {
  const resolve = (s: Schema): Schema =>
    typeof s.$ref === 'string' ? generated[s.$ref.replace('#/components/schemas/', '')] : s;
  const orderPatch = {
    ...mergePatchOf(generated.OrderEdit, MERGED_PATCH_FIELDS, resolve),
    description:
      'A JSON merge patch (RFC 7396) of the order: members given replace, null clears. The members of ' +
      `${MERGED_PATCH_FIELDS.join(', ')} merge one level down (null clears a member); items and tags ` +
      'replace as a whole. Status and payments have endpoints of their own; site and currency never change.',
  };
  const paymentPatch: Schema = {
    ...patchOf(generated.PaymentEdit),
    description: 'A JSON merge patch of the payment: members given replace, null clears.',
  };

  // The controller reads each variant of a dry run with the schema of the endpoint it stands for.
  const dryRun = generated.DryRunRequest;
  const variants = dryRun.properties as Record<string, Schema>;
  const paymentToUpdate = variants.updatePayment?.properties as Record<string, Schema> | undefined;
  const precise: Record<string, Schema> = {
    edit: ref('OrderPatch'),
    status: ref('StatusChange'),
    addPayment: ref('PaymentInput'),
    updatePayment: {
      ...paymentPatch,
      description: 'The payment to change (id) and its merge patch.',
      properties: { ...paymentToUpdate, ...(paymentPatch.properties as Record<string, Schema>) },
      required: ['id'],
    },
  };
  return {
    OrderPatch: orderPatch,
    PaymentPatch: paymentPatch,
    DryRunRequest: {
      ...dryRun,
      description: 'Exactly one change, in the shape of the endpoint that would make it.',
      minProperties: 1,
      maxProperties: 1,
      properties: Object.fromEntries(Object.entries(variants).map(([k, s]) => [k, precise[k] ?? s])),
    },
  };
}

/** What the gateway answers with: written against the response types (OrderJson, ErrorBody...). */
function responseSchemas(): Record<string, Schema> {
  const payment = object<PaymentJson>({
    id: string(),
    numericId: {
      type: 'integer',
      minimum: 1,
      description: 'Unique in the installation: the id of integrations whose payment ids are numbers.',
    },
    externalId: string('The id of the payment in the system that sent it, unique in its order.'),
    type: string('Payment type code.'),
    status: string('Payment status code.'),
    amount: ref('Money'),
    paidAt: dateTime(),
  });
  const item = object<OrderItemJson>({
    id: string('The line id: give it back to edit this line.'),
    offerExternalId: string(),
    categories: {
      ...arrayOf(string()),
      description: "Codes of the product's categories in the shop's catalogue, each once; absent when none.",
    },
    name: string(),
    quantity: { type: 'integer', minimum: 1 },
    unitPrice: ref('Money'),
    discount: { ...ref('Money'), description: 'The discount of the whole line.' },
    status: string('Item status code.'),
    total: { ...ref('Money'), description: 'quantity × unitPrice − the discount of the line.' },
  });
  type Of<K extends keyof OrderJson> = NonNullable<OrderJson[K]>;
  const orderMembers: Members<OrderJson> = {
    id: string(),
    numericId: {
      type: 'integer',
      minimum: 1,
      description: 'Unique in the installation, increasing with creation: the {n} of the number.',
    },
    site: string('Site code.'),
    number: string('The order number, unique in its site.'),
    externalId: string('The id of the order in the system that sent it, unique in its site.'),
    orderType: string(),
    orderMethod: string(),
    status: string('Status code.'),
    statusGroup: string('Code of the status group of the status.'),
    statusUpdatedAt: dateTime(),
    cancelReason: string(),
    combinedInto: string('The id of the order this one was combined into; a combined order changes no more.'),
    currency: string('ISO 4217 code.'),
    customer: object<Of<'customer'>>({
      customerId: string(),
      firstName: string(),
      lastName: string(),
      phones: arrayOf(string()),
      email: string(),
    }),
    contragent: object<Of<'contragent'>>({
      type: { type: 'string', enum: [...CONTRAGENT_TYPES] },
      legalName: string(),
      inn: string(),
      kpp: string(),
      ogrn: string(),
      legalAddress: string(),
      bank: string(),
      bik: string(),
      bankAccount: string(),
      corrAccount: string(),
    }),
    items: arrayOf(ref('OrderItem')),
    discount: { ...ref('Money'), description: 'The discount of the whole order.' },
    delivery: object<Of<'delivery'>>({
      type: string('Delivery type code.'),
      carrier: string(),
      address: string(),
      cost: ref('Money'),
      netCost: ref('Money'),
      date: { type: 'string', format: 'date' },
      timeFrom: string('HH:MM'),
      timeTo: string('HH:MM'),
      pickupPoint: string(),
    }),
    payments: arrayOf(ref('Payment')),
    managerId: string(),
    customerComment: string(),
    managerComment: string(),
    tags: arrayOf(string()),
    customFields: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
    totals: {
      type: 'object',
      properties: { items: ref('Money'), total: ref('Money'), paid: ref('Money'), due: ref('Money') },
      required: ['items', 'total', 'paid', 'due'],
      description:
        'items: the sum of the line totals; total: items − the order discount + the delivery cost; ' +
        'paid: the payments in a paid status; due: total − paid (below zero when overpaid).',
    },
    version: {
      type: 'integer',
      minimum: 1,
      description: 'Goes up with every change: the value of If-Match.',
    },
    createdAt: dateTime(),
    updatedAt: dateTime(),
  };
  const historyEntry = {
    type: 'object',
    properties: {
      id: { type: 'integer', description: 'Increases with every entry of the installation: the cursor.' },
      orderId: string(),
      site: string(),
      field: string('Dotted path, e.g. status, delivery.date, items[<id>].quantity, or created.'),
      oldValue: { description: 'The JSON value before; null when not set.' },
      newValue: { description: 'The JSON value after; null when not set.' },
      userId: string('The user who made the change, if a person did.'),
      source: { type: 'string', enum: [...HISTORY_SOURCES] },
      apiKeyId: string('The id of the API key the change was made with.'),
      at: dateTime(),
    },
    required: ['id', 'orderId', 'site', 'field', 'oldValue', 'newValue', 'source', 'at'],
  };
  const error: Members<ErrorBody['error']> = {
    code: string(
      'Stable: validation_failed, unauthenticated, forbidden, not_found, conflict, payload_too_large, ' +
        'rule_violated, rate_limited, unavailable, bad_request, internal.',
    ),
    message: string(),
    fields: {
      ...arrayOf(
        object<{ field: string; reason: string }>({ field: string(), reason: string() }, ['field', 'reason']),
      ),
      description: 'Every invalid field with its reason (validation_failed).',
    },
  };
  const checkResult = {
    type: 'object',
    properties: {
      allowed: { type: 'boolean' },
      violations: arrayOf({
        type: 'object',
        properties: { field: string(), reason: string(), rule: string('The rule or check that refused.') },
        required: ['reason', 'rule'],
      }),
      order: { ...ref('OrderDraft'), description: 'The order as the change would leave it.' },
    },
    required: ['allowed', 'violations'],
  };
  const healthCheck = { type: 'string', enum: ['ok', 'error'] };
  const permissions = arrayOf({ type: 'string', enum: [...PERMISSIONS] });
  const orNone = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
  const apiKey = object<ApiKeyView>(
    {
      id: string(),
      name: string(),
      prefix: string('The beginning of the secret, to recognise the key by.'),
      permissions,
      sites: SITES,
      userId: { ...orNone(string()), description: 'The user the key acts as.' },
      rateLimit: {
        ...orNone(
          object<NonNullable<ApiKeyView['rateLimit']>>({
            rps: { type: 'integer' },
            burst: { type: 'integer' },
          }),
        ),
        description: "Overrides of the gateway's default rate limit.",
      },
      createdAt: dateTime(),
      lastUsedAt: orNone(dateTime()),
      revokedAt: orNone(dateTime()),
    },
    [
      'id',
      'name',
      'prefix',
      'permissions',
      'sites',
      'userId',
      'rateLimit',
      'createdAt',
      'lastUsedAt',
      'revokedAt',
    ],
  );
  const user = object<UserView>(
    {
      id: string(),
      login: string(),
      name: string(),
      email: orNone(string()),
      groups: { ...arrayOf(string()), description: 'User-group codes of the reference data.' },
      active: { type: 'boolean' },
      createdAt: dateTime(),
      updatedAt: dateTime(),
    },
    ['id', 'login', 'name', 'email', 'groups', 'active', 'createdAt', 'updatedAt'],
  );
  const pageOf = (item: string) =>
    object<Page<unknown>>(
      { items: arrayOf(ref(item)), next: string('Present when there are more: pass it as after.') },
      ['items'],
    );
  return {
    ApiKey: apiKey,
    ApiKeyCreated: {
      allOf: [
        ref('ApiKey'),
        {
          type: 'object',
          properties: { secret: string('The key itself: shown this once, never again.') },
          required: ['secret'],
        },
      ],
    },
    ApiKeyPage: pageOf('ApiKey'),
    User: user,
    UserPage: pageOf('User'),
    Me: {
      type: 'object',
      properties: {
        keyId: string(),
        keyName: string(),
        permissions,
        sites: SITES,
        user: {
          ...orNone({
            type: 'object',
            properties: { id: string(), login: string(), groups: arrayOf(string()) },
            required: ['id', 'login', 'groups'],
          }),
          description: 'The user the key acts as: its own, or the one X-Acting-User names.',
        },
      },
      required: ['keyId', 'keyName', 'permissions', 'sites', 'user'],
    },
    Money: { ...jsonSchema(moneySchema), description: 'An amount in integer minor units (kopecks, cents).' },
    Payment: payment,
    OrderItem: item,
    OrderDraft: {
      type: 'object',
      description: 'An order as a dry run would leave it: not stored, so without id, number or version.',
      properties: orderMembers,
    },
    Order: object<OrderJson>(
      orderMembers,
      [
        'id',
        'site',
        'number',
        'status',
        'currency',
        'items',
        'payments',
        'tags',
        'customFields',
        'totals',
        'version',
        'createdAt',
        'updatedAt',
      ],
      'An order as stored. Money in integer minor units, times in ISO 8601 UTC.',
    ),
    OrderList: {
      type: 'object',
      properties: {
        orders: arrayOf(ref('Order')),
        nextPageToken: string('Present when there are more: pass it as pageToken for the next page.'),
      },
      required: ['orders'],
    },
    CombineResult: {
      type: 'object',
      properties: {
        result: {
          ...ref('Order'),
          description: 'The order combined into, with the lines and payments it took.',
        },
        combined: { ...ref('Order'), description: 'The order combined, cancelled.' },
      },
      required: ['result', 'combined'],
    },
    HistoryEntry: historyEntry,
    HistoryPage: {
      type: 'object',
      properties: {
        entries: arrayOf(ref('HistoryEntry')),
        lastId: { type: 'integer', description: 'The id of the last entry: the afterId of the next call.' },
      },
      required: ['entries', 'lastId'],
    },
    CheckResult: checkResult,
    ReferenceData: {
      type: 'object',
      properties: {
        version: {
          type: 'integer',
          minimum: 1,
          description: 'Goes up with every save: the value of If-Match.',
        },
        data: ref('ReferenceDataDocument'),
      },
      required: ['version', 'data'],
    },
    ReferenceDataDocument: {
      type: 'object',
      description:
        'Sites, status groups, statuses, the status matrix (transitions), user groups, cancel reasons, ' +
        'order types and methods, payment types and statuses, delivery types, item statuses, custom ' +
        'fields and validation rules. The orders service validates it as a whole, with every ' +
        'cross-reference, and names every invalid field.',
      additionalProperties: true,
    },
    Error: object<ErrorBody>({ error: object<ErrorBody['error']>(error, ['code', 'message']) }, ['error']),
    HealthReport: object<HealthReport>(
      {
        status: healthCheck,
        checks: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { status: healthCheck, reason: string(), durationMs: { type: 'number' } },
            required: ['status', 'durationMs'],
          },
        },
      },
      ['status', 'checks'],
    ),
  };
}

function orderPaths(): Record<string, Record<string, Schema>> {
  const orderId = pathParam('id', 'The order id.');
  const paymentId = pathParam('paymentId', 'The payment id.');
  const order = ref('Order');
  const orders = ref('OrderList');
  const read: Permission[] = ['orders:read'];
  return {
    '/v1/orders': {
      post: operation({
        operationId: 'createOrder',
        tag: 'orders',
        summary: 'Create an order',
        description:
          'With an Idempotency-Key a retry returns the order created first (201 again) instead of a second order.',
        permissions: ['orders:write'],
        parameters: [param('IdempotencyKey')],
        body: ref('OrderInput'),
        status: 201,
        response: order,
        responseDescription: 'Created',
        errors: [409, 422, 503],
      }),
      get: operation({
        operationId: 'listOrders',
        tag: 'orders',
        summary: 'List orders, newest first',
        permissions: read,
        parameters: query(listOrdersQuery, {
          site: LIST,
          status: LIST,
          statusGroup: LIST,
          q: 'An order number, externalId, customer phone or email, matched exactly.',
          createdFrom: 'Created at or after this time.',
          createdTo: 'Created before this time.',
          ...PAGE,
        }),
        response: orders,
        errors: [503],
      }),
    },
    '/v1/orders/overdue': {
      get: operation({
        operationId: 'listOverdueOrders',
        tag: 'orders',
        summary: 'Orders over the time limit of their status',
        permissions: read,
        parameters: query(attentionQuery, { site: LIST, status: LIST, ...PAGE }),
        response: orders,
        errors: [503],
      }),
    },
    '/v1/orders/stale': {
      get: operation({
        operationId: 'listStaleOrders',
        tag: 'orders',
        summary: "Orders open for longer than their site's stale age",
        permissions: read,
        parameters: query(attentionQuery, { site: LIST, status: LIST, ...PAGE }),
        response: orders,
        errors: [503],
      }),
    },
    '/v1/orders/history': {
      get: operation({
        operationId: 'listOrdersHistory',
        tag: 'history',
        summary: 'The history of every order after a cursor',
        description:
          'For integrations that sync changes: call again with afterId = lastId until entries is empty.',
        permissions: read,
        parameters: query(historyQuery, { ...HISTORY, site: LIST }),
        response: ref('HistoryPage'),
        errors: [503],
      }),
    },
    '/v1/orders/dry-run': {
      post: operation({
        operationId: 'checkNewOrder',
        tag: 'orders',
        summary: 'Would this new order pass? Changes nothing',
        permissions: read,
        body: ref('OrderInput'),
        response: ref('CheckResult'),
        errors: [503],
      }),
    },
    '/v1/orders/by-external-id/{site}/{externalId}': {
      get: operation({
        operationId: 'getOrderByExternalId',
        tag: 'orders',
        summary: 'Get an order by its external id',
        permissions: read,
        parameters: [
          pathParam('site', 'The site code.'),
          pathParam('externalId', 'The id of the order in the system that sent it.'),
        ],
        response: order,
        errors: [404, 503],
      }),
    },
    '/v1/orders/{id}': {
      get: operation({
        operationId: 'getOrder',
        tag: 'orders',
        summary: 'Get an order',
        permissions: read,
        parameters: [orderId],
        response: order,
        errors: [404, 503],
      }),
      patch: operation({
        operationId: 'updateOrder',
        tag: 'orders',
        summary: 'Edit an order (JSON merge patch)',
        permissions: ['orders:write'],
        parameters: [orderId, param('IfMatch')],
        body: ref('OrderPatch'),
        response: order,
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/orders/{id}/status': {
      post: operation({
        operationId: 'changeOrderStatus',
        tag: 'orders',
        summary: 'Change the status of an order',
        description:
          'Along the status matrix of the site; a status of the cancel group needs a cancelReason.',
        permissions: ['orders:status'],
        parameters: [orderId, param('IfMatch'), param('IdempotencyKey')],
        body: ref('StatusChange'),
        response: order,
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/orders/{id}/payments': {
      post: operation({
        operationId: 'addPayment',
        tag: 'payments',
        summary: 'Add a payment to an order',
        permissions: ['orders:payments'],
        parameters: [orderId, param('IfMatch'), param('IdempotencyKey')],
        body: ref('PaymentInput'),
        status: 201,
        response: order,
        responseDescription: 'Created: the order with the payment',
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/orders/{id}/payments/{paymentId}': {
      patch: operation({
        operationId: 'updatePayment',
        tag: 'payments',
        summary: 'Edit a payment (JSON merge patch)',
        permissions: ['orders:payments'],
        parameters: [orderId, paymentId, param('IfMatch')],
        body: ref('PaymentPatch'),
        response: order,
        errors: [404, 409, 422, 503],
      }),
      delete: operation({
        operationId: 'deletePayment',
        tag: 'payments',
        summary: 'Delete a payment',
        permissions: ['orders:payments'],
        parameters: [orderId, paymentId, param('IfMatch')],
        response: order,
        responseDescription: 'The order without the payment',
        errors: [404, 409, 422, 503],
      }),
    },
    '/v1/orders/{id}/combine': {
      post: operation({
        operationId: 'combineOrder',
        tag: 'orders',
        summary: 'Combine the order into another',
        description:
          'The lines of the order join those of `into`: a product in both is one line by the technique ' +
          "(ours: this order's quantity, summ: both added, theirs: the quantity of into, merge: both " +
          'lines kept). Its payments move to into, and it enters a status of the cancel group along the ' +
          "status matrix (status and cancelReason, by default the site's combinedOrders setting) and " +
          'changes no more. Repeating a combine that was made answers both orders as they are.',
        permissions: ['orders:write', 'orders:status'],
        parameters: [orderId],
        body: ref('CombineRequest'),
        response: ref('CombineResult'),
        errors: [404, 422, 503],
      }),
    },
    '/v1/orders/{id}/history': {
      get: operation({
        operationId: 'getOrderHistory',
        tag: 'history',
        summary: 'The history of one order',
        permissions: read,
        parameters: [orderId, ...query(historyQuery.omit({ site: true }), HISTORY)],
        response: ref('HistoryPage'),
        errors: [404, 503],
      }),
    },
    '/v1/orders/{id}/dry-run': {
      post: operation({
        operationId: 'checkOrderChange',
        tag: 'orders',
        summary: 'Would this change to the order pass, and if not, why? Changes nothing',
        permissions: read,
        parameters: [orderId],
        body: ref('DryRunRequest'),
        response: ref('CheckResult'),
        errors: [404, 503],
      }),
    },
    '/v1/reference-data': {
      get: operation({
        operationId: 'getReferenceData',
        tag: 'reference-data',
        summary: 'The reference data (sites, statuses, status matrix, dictionaries)',
        permissions: ['reference-data:read'],
        response: ref('ReferenceData'),
        errors: [404, 503],
      }),
      put: operation({
        operationId: 'replaceReferenceData',
        tag: 'reference-data',
        summary: 'Replace the whole reference data',
        permissions: ['reference-data:write'],
        parameters: [
          {
            name: 'If-Match',
            in: 'header',
            required: false,
            description: 'Replace only if the stored version is still this one (0: none saved yet).',
            schema: { type: 'string', examples: ['"3"'] },
          },
        ],
        body: ref('ReferenceDataDocument'),
        response: ref('ReferenceData'),
        errors: [409, 503],
      }),
    },
  };
}

function accessPaths(): Record<string, Record<string, Schema>> {
  const admin: Permission[] = ['access:admin'];
  const list = query(listQuery, {
    limit: 'At most this many (default 100, at most 500).',
    after: 'The next of the previous page: oldest first.',
  });
  const keyId = pathParam('id', 'The key id (a UUID).');
  const userId = pathParam('id', 'The user id (a UUID).');
  return {
    '/v1/api-keys': {
      post: operation({
        operationId: 'createApiKey',
        tag: 'access',
        summary: 'Create an API key',
        description:
          'The answer carries the secret, shown this once. A key can grant no permission or site its creator lacks.',
        permissions: admin,
        body: ref('CreateApiKey'),
        status: 201,
        response: ref('ApiKeyCreated'),
        responseDescription: 'Created',
        errors: [503],
      }),
      get: operation({
        operationId: 'listApiKeys',
        tag: 'access',
        summary: 'List API keys, oldest first',
        permissions: admin,
        parameters: list,
        response: ref('ApiKeyPage'),
      }),
    },
    '/v1/api-keys/{id}': {
      get: operation({
        operationId: 'getApiKey',
        tag: 'access',
        summary: 'Get an API key (without its secret)',
        permissions: admin,
        parameters: [keyId],
        response: ref('ApiKey'),
        errors: [404],
      }),
      delete: operation({
        operationId: 'revokeApiKey',
        tag: 'access',
        summary: 'Revoke an API key',
        description: 'The key is kept, marked revoked; revoking again changes nothing.',
        permissions: admin,
        parameters: [keyId],
        response: ref('ApiKey'),
        errors: [404],
      }),
    },
    '/v1/users': {
      post: operation({
        operationId: 'createUser',
        tag: 'access',
        summary: 'Create a user',
        permissions: admin,
        body: ref('CreateUser'),
        status: 201,
        response: ref('User'),
        responseDescription: 'Created',
        errors: [409, 503],
      }),
      get: operation({
        operationId: 'listUsers',
        tag: 'access',
        summary: 'List users, oldest first',
        permissions: admin,
        parameters: list,
        response: ref('UserPage'),
      }),
    },
    '/v1/users/{id}': {
      get: operation({
        operationId: 'getUser',
        tag: 'access',
        summary: 'Get a user',
        permissions: admin,
        parameters: [userId],
        response: ref('User'),
        errors: [404],
      }),
      patch: operation({
        operationId: 'updateUser',
        tag: 'access',
        summary: 'Change a user',
        description: 'The fields given change; email null removes it; active false deactivates the user.',
        permissions: admin,
        parameters: [userId],
        body: ref('UserPatch'),
        response: ref('User'),
        errors: [404, 503],
      }),
    },
    '/v1/me': {
      get: operation({
        operationId: 'getMe',
        tag: 'access',
        summary: 'What the presented key may do, and whom it acts as',
        response: ref('Me'),
      }),
    },
  };
}

function metaPaths(): Record<string, Record<string, Schema>> {
  const health = { 'application/json': { schema: ref('HealthReport') } };
  return {
    '/openapi.json': {
      get: operation({
        operationId: 'getOpenApiDocument',
        tag: 'meta',
        summary: 'This document',
        response: { type: 'object' },
        public: true,
      }),
    },
    '/health/live': {
      get: operation({
        operationId: 'live',
        tag: 'meta',
        summary: 'Liveness: the process serves HTTP',
        response: object<{ status: 'ok' }>({ status: { const: 'ok' } }, ['status']),
        public: true,
      }),
    },
    '/health/ready': {
      get: {
        ...operation({
          operationId: 'ready',
          tag: 'meta',
          summary: 'Readiness: the services behind the gateway answer',
          public: true,
        }),
        responses: {
          200: { description: 'Ready', content: health },
          503: { description: 'Not ready', content: health },
        },
      },
    },
    '/metrics': {
      get: operation({
        operationId: 'metrics',
        tag: 'meta',
        summary: 'Prometheus metrics',
        response: { type: 'string' },
        content: 'text/plain',
        public: true,
      }),
    },
  };
}

export type OpenApiDocument = Schema & { openapi: string; paths: Record<string, Record<string, Schema>> };

export function buildOpenApiDocument(): OpenApiDocument {
  const generated = generatedRequestSchemas();
  // The edit schemas are what the patches are made of; a request is a patch.
  const { OrderEdit: _orderEdit, PaymentEdit: _paymentEdit, ...requests } = generated;
  return {
    openapi: '3.1.0',
    info: {
      title: 'OpenRetail order gateway',
      version: '1',
      description:
        'The JSON API for storefronts and integrations: orders, payments, their history, reference ' +
        'data, the overdue and stale queries, and API keys and users. Authenticate with an API key in ' +
        'X-API-Key or as Authorization: Bearer <key>; each operation names the permissions the key ' +
        'needs (also as x-permissions). Errors are {"error": {"code", "message", "fields"?}}.',
    },
    tags: [
      { name: 'orders', description: 'Create, read, edit and move orders along the status matrix.' },
      { name: 'payments', description: 'The payments of an order.' },
      { name: 'history', description: 'What changed in orders, for audits and sync.' },
      { name: 'reference-data', description: 'Sites, statuses, the status matrix and the dictionaries.' },
      { name: 'customers', description: 'Individual customers: profiles, search, notes.' },
      {
        name: 'corporate-customers',
        description: 'Corporate customers: their companies, contact persons and addresses.',
      },
      { name: 'customer-history', description: 'What changed in customers, for audits and sync.' },
      {
        name: 'customer-identity',
        description:
          'One profile per customer: find-or-create, possible duplicates, merges and their undo, deduplication jobs.',
      },
      { name: 'segments', description: 'Dynamic customer segments, their members, a customer’s segments.' },
      { name: 'access', description: 'API keys, users, and what the presented key may do.' },
      { name: 'meta', description: 'This document, health and metrics; no API key needed.' },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    paths: {
      ...orderPaths(),
      ...customerPaths(),
      ...identityPaths(),
      ...segmentPaths(),
      ...accessPaths(),
      ...metaPaths(),
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The API key as a bearer token.' },
      },
      parameters: {
        ActingUser: {
          name: 'X-Acting-User',
          in: 'header',
          required: false,
          description:
            'Act as this user (id or login): the status matrix and validations apply to its groups. ' +
            'Needs the permission act-as-user; a key bound to a user acts as that user without it.',
          schema: { type: 'string', minLength: 1 },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retry of this request return the result of the first instead of doing it twice.',
          schema: jsonSchema(idempotencyKeyHeader.unwrap()),
        },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description: 'Change only if the resource is still at this version (e.g. "3"); else 409.',
          schema: jsonSchema(ifMatchHeader.unwrap()),
        },
      },
      schemas: {
        ...requests,
        ...patchSchemas(generated),
        ...responseSchemas(),
        ...customerRequestSchemas(),
        ...customerResponseSchemas(),
        ...identityRequestSchemas(),
        ...identityResponseSchemas(),
        ...segmentRequestSchemas(),
        ...segmentResponseSchemas(),
      },
      responses: errorResponses(),
    },
  };
}
