import type { CustomFieldValue } from './orders/order-json';

export const CUSTOM_FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'dictionary',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/**
 * Why a value does not fit its custom field definition (type and, for a dictionary, the allowed
 * values), or undefined when it does. Null always fits: it clears the field.
 */
export function customFieldProblem(
  type: string,
  values: readonly string[] | undefined,
  value: CustomFieldValue,
): string | undefined {
  if (value === null) return undefined;
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= 255
        ? undefined
        : 'must be a string of at most 255 characters';
    case 'text':
      return typeof value === 'string' ? undefined : 'must be text';
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'must be a whole number';
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' &&
        /^\d{4}-\d{2}-\d{2}$/.test(value) &&
        !Number.isNaN(Date.parse(value))
        ? undefined
        : 'must be a date YYYY-MM-DD';
    case 'dictionary':
      return typeof value === 'string' && values?.includes(value)
        ? undefined
        : `must be one of: ${(values ?? []).join(', ')}`;
    default:
      return `has an unsupported type '${type}'`;
  }
}
