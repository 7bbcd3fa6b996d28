import { CompatError } from './errors';

/**
 * Request parameters as RetailCRM clients send them: PHP's http_build_query and its Python and Ruby
 * counterparts write nested values with brackets (`filter[ids][]=1`, `filter[ids][0]=1`,
 * `filter[sites][]=a`), in the query string of a GET and in the form body of a POST; entities go
 * as one JSON-encoded value (`order=<json>`).
 */
export type Params = { [key: string]: ParamValue };
export type ParamValue = string | ParamValue[] | Params;

const MAX_PAIRS = 2000;
const MAX_DEPTH = 6;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `a[b][]` → ['a', 'b', '']; a name without brackets is one segment. */
function segmentsOf(name: string): string[] | undefined {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match) return undefined;
  const rest = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
  return [match[1], ...rest];
}

/**
 * Nests name/value pairs by their bracket paths. `[]` appends; a container whose keys are all
 * indices (0, 1, ...) becomes a list in index order. A pair that contradicts an earlier one (a value
 * and a container at the same path) is a 400 naming the parameter.
 */
export function nestParams(pairs: Iterable<[string, string]>): Params {
  const root: Params = {};
  let count = 0;
  for (const [name, value] of pairs) {
    if (++count > MAX_PAIRS) throw new CompatError(400, `Too many parameters (at most ${MAX_PAIRS})`);
    const segments = segmentsOf(name);
    if (!segments || segments.length > MAX_DEPTH || segments.some((s) => FORBIDDEN_KEYS.has(s))) {
      continue;
    }
    let node: Params = root;
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      // Appends ([]) become numbered keys, listed in order at the end.
      const key = segment === '' ? String(Object.keys(node).length) : segment;
      if (last) {
        node[key] = value;
        return;
      }
      const next = node[key];
      if (next === undefined) node = node[key] = {};
      else if (typeof next === 'object' && !Array.isArray(next)) node = next;
      else throw new CompatError(400, `Parameter '${segments.slice(0, i + 1).join('.')}' is given twice`);
    });
  }
  return listify(root) as Params;
}

function listify(value: ParamValue): ParamValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const children = Object.fromEntries(keys.map((k) => [k, listify(value[k])]));
  const indices = keys.every((k) => /^\d+$/.test(k));
  if (keys.length > 0 && indices) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => children[String(k)]);
  }
  return children;
}

/** Fastify's parsed query string (flat names, repeated names as arrays) as nested parameters. */
export function paramsFromQuery(query: unknown): Params {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string') pairs.push([name, v]);
    }
  }
  return nestParams(pairs);
}

/** An application/x-www-form-urlencoded body as nested parameters. */
export function paramsFromUrlEncoded(body: string): Params {
  return nestParams(new URLSearchParams(body));
}

/**
 * The text fields of a multipart/form-data body (the PHP client of API v5 posts through curl with
 * an array of fields, which curl sends as multipart). Files are not part of these endpoints.
 */
export function paramsFromMultipart(body: Buffer, contentType: string): Params {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new CompatError(400, 'The multipart body has no boundary');
  const delimiter = `--${boundary[1] ?? boundary[2].trim()}`;
  const pairs: [string, string][] = [];
  for (const part of body.toString('utf8').split(delimiter).slice(1)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(part.slice(0, headerEnd));
    if (!name || /content-disposition:[^\r\n]*\bfilename=/i.test(part.slice(0, headerEnd))) continue;
    // Each part's content ends with the CRLF before the next delimiter.
    pairs.push([name[1], part.slice(headerEnd + 4).replace(/\r\n$/, '')]);
  }
  return nestParams(pairs);
}

/** A POST body as parameters (the form parsers give nested parameters; anything else is none). */
export function bodyParams(body: unknown): Params {
  return body && typeof body === 'object' ? (body as Params) : {};
}

/** A scalar parameter: absent, or one string (a repeated or nested one is a 400). */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw CompatError.parameter(name, 'must be a single value');
  return value;
}

/** A list parameter (`filter[ids][]=1&filter[ids][]=2`); a single value is a list of one. */
export function listParam(params: Params, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.some((v) => typeof v !== 'string'))
    throw CompatError.parameter(name, 'must be a list of values');
  return list as string[];
}

/**
 * An entity sent as a JSON-encoded form value (`order={"externalId":"a1",...}`). Clients that nest
 * the entity with brackets instead are accepted too. Absent: the RetailCRM "is missing" error.
 */
export function jsonParam(params: Params, name: string): unknown {
  const value = params[name];
  if (value === undefined || value === '') throw CompatError.missing(name);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw CompatError.parameter(name, 'must be valid JSON');
  }
}

/** A JSON object parameter (an order, a payment, a status...). */
export function jsonObjectParam(params: Params, name: string): Record<string, unknown> {
  const value = jsonParam(params, name);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw CompatError.parameter(name, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** A JSON list parameter (the orders of an upload, the pairs of fix-external-ids). */
export function jsonListParam(params: Params, name: string): unknown[] {
  const value = jsonParam(params, name);
  if (Array.isArray(value)) return value;
  // An associative array in PHP encodes as an object keyed by position.
  if (value && typeof value === 'object') return Object.values(value);
  throw CompatError.parameter(name, 'must be a JSON array');
}

/** `by`: how the path names the entity, externalId by default. */
export function byParam(params: Params): 'id' | 'externalId' {
  const by = stringParam(params, 'by') ?? 'externalId';
  if (by !== 'id' && by !== 'externalId') {
    throw CompatError.parameter('by', `Value "${by}" is not valid. Allowed values are id, externalId`);
  }
  return by;
}

/** An id in the path or a filter: a positive integer. */
export function numericId(value: string | number, name: string): number {
  const n = typeof value === 'number' ? value : /^\d{1,15}$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw CompatError.parameter(name, 'must be a positive integer');
  return n;
}

export interface PageParams {
  limit: number;
  page: number;
}

/** `limit` (20, 50 or 100; 20 by default) and `page` (from 1). */
export function pageParams(params: Params, limits: readonly number[] = [20, 50, 100]): PageParams {
  const limitText = stringParam(params, 'limit');
  const pageText = stringParam(params, 'page');
  const limit = limitText === undefined || limitText === '' ? limits[0] : Number(limitText);
  if (!limits.includes(limit)) {
    throw CompatError.parameter('limit', `must be one of ${limits.join(', ')}`);
  }
  const page = pageText === undefined || pageText === '' ? 1 : Number(pageText);
  if (!Number.isSafeInteger(page) || page < 1) throw CompatError.parameter('page', 'must be 1 or more');
  return { limit, page };
}

/** The `pagination` member of a list response. */
export function pagination(page: PageParams, totalCount: number) {
  return {
    limit: page.limit,
    totalCount,
    currentPage: page.page,
    totalPageCount: Math.ceil(totalCount / page.limit),
  };
}
