import { ValidationError, type FieldViolation } from '@openretail/contracts';

/**
 * Small pieces every translation of RetailCRM entities uses: RetailCRM clients send ids and codes as
 * strings or numbers, flags as booleans or "1"/"0", and every problem of one entity is reported at
 * once, named as RetailCRM names the field.
 */

export type CrmObject = Record<string, unknown>;

export const isObject = (v: unknown): v is CrmObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string, or a finite number as its text. */
export const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

export const has = (o: CrmObject, key: string) => o[key] !== undefined;

/** Ids that are whole numbers travel as numbers, as RetailCRM's do; others stay strings. */
export function idValue(id: string | number | undefined): string | number | undefined {
  if (id === undefined || id === '') return undefined;
  if (typeof id === 'number') return id;
  return /^[1-9]\d{0,14}$/.test(id) ? Number(id) : id;
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Collects the problems of one translation, so the client hears of all at once. */
export class Problems {
  readonly list: FieldViolation[] = [];

  add(field: string, reason: string): undefined {
    this.list.push({ field, reason });
    return undefined;
  }

  /** The value of `f`, or undefined with its ValidationError's problems recorded. */
  try<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      this.list.push(...e.violations);
      return undefined;
    }
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationError(this.list);
  }
}

/** A flag as JSON (true/false) or as form-minded clients send it ("1"/"0", "true"/"false"). */
export function flag(value: unknown, field: string, problems: Problems): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  return problems.add(field, 'must be true or false');
}
