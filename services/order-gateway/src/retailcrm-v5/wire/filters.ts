import { ValidationError, type FieldViolation } from '@openretail/contracts';
import { timestampFromDate } from '@openretail/grpc';
import { parseCrmDateTime } from './dates';
import { CompatError } from './errors';
import { stringParam, type Params } from './params';

/** The `filter[...]` parameter of RetailCRM lists: its members, its unknown ones refused, its dates. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Refuses the filters this API does not understand, each by name, rather than ignoring them. */
export function refuseUnknownFilters(filter: Params, supported: ReadonlySet<string>): void {
  const unsupported = Object.keys(filter).filter((k) => !supported.has(k));
  if (unsupported.length > 0) {
    throw new CompatError(
      400,
      'Errors in the input parameters',
      Object.fromEntries(
        unsupported.map((k) => [`filter[${k}]`, 'this filter is not supported by this installation']),
      ),
    );
  }
}

/** `filter` as a set of filters (absent: none). */
export function filterParams(filter: unknown): Params {
  if (filter === undefined || filter === '') return {};
  if (typeof filter !== 'object' || Array.isArray(filter))
    throw CompatError.parameter('filter', 'must be a set of filters');
  return filter as Params;
}

/**
 * A date range filter in the installation's zone: `from` at the start of its day (or its time),
 * `to` inclusive (a date alone covers its whole day). Problems are collected in `violations`.
 */
export function dateRange(
  f: Params,
  from: string,
  to: string,
  timeZone: string,
  violations: FieldViolation[],
) {
  const at = (name: string, inclusiveEnd: boolean) => {
    const value = stringParam(f, name);
    if (!value) return undefined;
    try {
      const instant = parseCrmDateTime(value, timeZone, `filter[${name}]`);
      const end = inclusiveEnd
        ? new Date(instant.getTime() + (value.trim().length <= 10 ? DAY_MS : 1000))
        : instant;
      return timestampFromDate(end);
    } catch (e) {
      if (e instanceof ValidationError) violations.push(...e.violations);
      return undefined;
    }
  };
  return { from: at(from, false), to: at(to, true) };
}
