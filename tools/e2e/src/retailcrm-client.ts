/**
 * Requests built the way the official RetailCRM clients build them (read from their source): PHP's
 * http_build_query with indexed brackets for GET filters, JSON-encoded entities in POST forms, and
 * the v5 PHP client's curl multipart body. Shared by the RetailCRM API v5 tests.
 */

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** PHP's http_build_query: nested arrays as `a[b][0]=..`, as the PHP client sends GET parameters. */
export function httpBuildQuery(value: Json, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    const name = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') return httpBuildQuery(v as Json, name);
    return [`${encodeURIComponent(name)}=${encodeURIComponent(String(v))}`];
  });
}

/** A POST form as the clients send it: entities JSON-encoded (`order=<json>`), the rest as text. */
export function form(fields: Json): string {
  return new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  ).toString();
}

/** The v5 PHP client's body: curl's multipart/form-data of an array of fields, apiKey among them. */
export function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = '------------------------d74496d66958873e';
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** RetailCRM's `Y-m-d H:i:s`. */
export const CRM_DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
