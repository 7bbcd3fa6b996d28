import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ValidationError } from '@openretail/contracts';
import { AcceptApiKeyParameter } from '../../access';
import { CompatErrorFilter } from './errors';

/**
 * A controller of the RetailCRM API: under `/api/<path>`, the key also accepted as an `apiKey`
 * parameter, every failure answered in RetailCRM's error shape. Each resource (orders, reference,
 * users; customers, delivery and loyalty later) is a controller with this decorator.
 */
export const CompatController = (path: string) =>
  applyDecorators(Controller(`api/${path}`), AcceptApiKeyParameter(), UseFilters(CompatErrorFilter));

/** Runs `f`, naming the fields of its validation errors as RetailCRM names them. */
export async function renamingFields<T>(rename: (field: string) => string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ValidationError) {
      throw new ValidationError(e.violations.map((v) => ({ ...v, field: rename(v.field) })));
    }
    throw e;
  }
}
