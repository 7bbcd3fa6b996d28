import { CompatError, describeFailure, type CrmErrors } from './errors';
import { bodyParams, jsonListParam, numericId } from './params';
import { isObject, text } from './values';

/**
 * The `{resource}/fix-external-ids` endpoints: `{list}=[{id, externalId}]`, each pair set on its own
 * through `setExternalId`; the pairs that fail are answered by position in a 400 after the others
 * were set, as RetailCRM does.
 */
export async function fixExternalIds(
  body: unknown,
  list: string,
  setExternalId: (id: number, externalId: string) => Promise<unknown>,
  rename: (field: string) => string,
): Promise<{ success: true }> {
  const pairs = jsonListParam(bodyParams(body), list);
  if (pairs.length === 0)
    throw CompatError.parameter(list, 'must hold at least one pair of id and externalId');
  const errors: CrmErrors = {};
  for (const [i, pair] of pairs.entries()) {
    try {
      const p = isObject(pair) ? pair : {};
      const id = numericId(p.id as string | number, `${list}[${i}].id`);
      const externalId = text(p.externalId);
      if (!externalId) throw CompatError.parameter(`${list}[${i}].externalId`, 'is required');
      await setExternalId(id, externalId);
    } catch (e) {
      errors[String(i)] = describeFailure(e, rename);
    }
  }
  if (Object.keys(errors).length > 0)
    throw new CompatError(400, 'External ids are fixed with errors', errors);
  return { success: true };
}
