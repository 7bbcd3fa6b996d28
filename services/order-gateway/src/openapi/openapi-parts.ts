import { z } from 'zod';
import type { Permission } from '../access';

/**
 * The building blocks of the gateway's OpenAPI document: JSON Schema helpers, the query parameters
 * generated from zod schemas, and operations with the error responses every route shares.
 */

export type Schema = Record<string, unknown>;
/** A JSON Schema for every member of T: the compiler rejects a missing or an unknown member. */
export type Members<T> = { [K in keyof T]-?: Schema };

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const object = <T>(
  properties: Members<T>,
  required: (keyof T & string)[] = [],
  description?: string,
) => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  ...(required.length > 0 ? { required } : {}),
});
export const string = (description?: string): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
});
export const dateTime = (description?: string): Schema => ({ ...string(description), format: 'date-time' });
export const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
export const mapValues = <A, B>(o: Record<string, A>, f: (a: A) => B) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

export const jsonSchema = (schema: z.ZodType): Schema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Schema;
  return rest;
};

/** In a merge patch (RFC 7396) null clears a field, and a default means nothing. */
export const orNull = ({ default: _default, ...schema }: Schema): Schema => ({
  anyOf: [schema, { type: 'null' }],
});

/** An object as a merge patch: every member optional, null clearing it. */
export function patchOf({ required: _required, ...schema }: Schema): Schema {
  const properties = schema.properties as Record<string, Schema> | undefined;
  return properties ? { ...schema, properties: mapValues(properties, orNull) } : schema;
}

/** Query parameters from a zod object schema, described where a name alone says too little. */
/**
 * The schema of a JSON merge patch made from an edit schema: every member may be null (clears it);
 * the `merged` members take an object of their own members, each optional and nullable.
 */
export function mergePatchOf(
  edit: Schema,
  merged: readonly string[],
  resolve: (s: Schema) => Schema,
): Schema {
  const properties = edit.properties as Record<string, Schema>;
  return {
    ...edit,
    properties: Object.fromEntries(
      Object.entries(properties).map(([field, s]) => [
        field,
        orNull(merged.includes(field) ? patchOf(resolve(s)) : s),
      ]),
    ),
  };
}

/** Query parameters from a zod object schema, described where a name alone says too little. */
export function query(schema: z.ZodObject, descriptions: Record<string, string> = {}): Schema[] {
  const json = jsonSchema(schema) as { properties: Record<string, Schema>; required?: string[] };
  return Object.entries(json.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: s,
  }));
}

export const LIST = 'Codes: repeat the parameter or separate them with commas.';
export const PAGE = {
  pageSize: 'At most this many orders (default 20, at most 100).',
  pageToken: 'The nextPageToken of the previous page.',
};
export const HISTORY = {
  afterId: 'Entries after this id (the lastId of the previous call); 0 from the start.',
  limit: 'At most this many entries (default 100, at most 1000).',
};

export const pathParam = (name: string, description: string): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', minLength: 1 },
});
export const param = (name: string): Schema => ({ $ref: `#/components/parameters/${name}` });

export const ERROR_RESPONSES: Record<number, [name: string, description: string, retryAfter?: boolean]> = {
  400: ['BadRequest', 'Invalid request: error.fields names every invalid field and why (validation_failed).'],
  401: ['Unauthorized', 'No API key, or one that is not valid or revoked (unauthenticated).'],
  403: ['Forbidden', 'The key lacks a permission the operation needs, or the site is not among its sites.'],
  404: ['NotFound', 'No such resource, or not visible to this key.'],
  409: [
    'Conflict',
    'The version is not the one of If-Match, the Idempotency-Key was used for another request, or ' +
      'the resource already exists.',
  ],
  413: ['PayloadTooLarge', 'The body is larger than the limit of the gateway (GATEWAY_BODY_LIMIT_BYTES).'],
  422: [
    'RuleViolated',
    'Valid, but the status matrix or a business rule refuses it now; the message says why.',
  ],
  429: ['TooManyRequests', 'Over the rate limit of the key: retry after Retry-After seconds.', true],
  503: ['Unavailable', 'A service behind the gateway is unavailable: retry after Retry-After seconds.', true],
};
/** What the access guard can answer any call that needs a key with (400: an unknown X-Acting-User). */
export const GUARDED = [400, 401, 403, 429];

export interface OperationSpec {
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** What the key must hold (@RequirePermission of the route; the test compares them); none: any key. */
  permissions?: Permission[];
  parameters?: Schema[];
  body?: Schema;
  status?: number;
  response?: Schema;
  responseDescription?: string;
  /** Error statuses besides those of the guard and of a body. */
  errors?: number[];
  /** No API key needed. */
  public?: boolean;
  content?: string;
}

export function operation(o: OperationSpec): Schema {
  const errors = new Set([...(o.public ? [] : GUARDED), ...(o.body ? [400, 413] : []), ...(o.errors ?? [])]);
  const parameters = [...(o.parameters ?? []), ...(o.public ? [] : [param('ActingUser')])];
  const needs = o.permissions?.length ? `Needs the permission ${o.permissions.join(' and ')}.` : undefined;
  const description = [o.description, needs].filter(Boolean).join(' ');
  const content = (schema: Schema) => ({ [o.content ?? 'application/json']: { schema } });
  return {
    operationId: o.operationId,
    tags: [o.tag],
    summary: o.summary,
    ...(description ? { description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(o.body ? { requestBody: { required: true, content: content(o.body) } } : {}),
    responses: {
      [o.status ?? 200]: {
        description: o.responseDescription ?? 'OK',
        ...(o.response ? { content: content(o.response) } : {}),
      },
      ...Object.fromEntries(
        [...errors]
          .sort((a, b) => a - b)
          .map((s) => [s, { $ref: `#/components/responses/${ERROR_RESPONSES[s][0]}` }]),
      ),
    },
    ...(o.public ? { security: [] } : { 'x-permissions': o.permissions ?? [] }),
  };
}

export function errorResponses(): Record<string, Schema> {
  const retryAfter = {
    'Retry-After': {
      description: 'Seconds to wait before retrying.',
      schema: { type: 'integer', minimum: 0 },
    },
  };
  return Object.fromEntries(
    Object.values(ERROR_RESPONSES).map(([name, description, withRetryAfter]) => [
      name,
      {
        description,
        ...(withRetryAfter ? { headers: retryAfter } : {}),
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  );
}
