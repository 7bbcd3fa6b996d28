import { customFieldProblem, type FieldViolation } from '@openretail/contracts';
import type { ReferenceData } from '../reference-data/reference-data';
import type { OrderState } from './order-state';

type Entry = { code: string; active: boolean } | undefined;

/**
 * Every code of the order that the reference data does not know, each naming its field. A code that
 * was retired (inactive) is refused only where the change sets it: old orders keep their codes, and
 * editing something else on them must not fail.
 */
export function referenceViolations(
  ref: ReferenceData,
  before: OrderState | undefined,
  after: OrderState,
): FieldViolation[] {
  const out: FieldViolation[] = [];
  const check = (
    field: string,
    noun: string,
    code: string | undefined,
    old: string | undefined,
    entry: Entry,
  ) => {
    if (code === undefined) return;
    if (!entry) out.push({ field, reason: `unknown ${noun} '${code}'` });
    else if (!entry.active && code !== old)
      out.push({ field, reason: `${noun} '${code}' is no longer in use` });
  };

  const site = ref.site(after.site);
  if (!before) {
    check('site', 'site', after.site, undefined, site);
    if (site && after.currency !== site.currency) {
      out.push({
        field: 'currency',
        reason: `must be ${site.currency}, the currency of site '${site.code}'`,
      });
    }
  }
  check('orderType', 'order type', after.orderType, before?.orderType, ref.orderType(after.orderType ?? ''));
  check(
    'orderMethod',
    'order method',
    after.orderMethod,
    before?.orderMethod,
    ref.orderMethod(after.orderMethod ?? ''),
  );
  const delivery = after.delivery?.type;
  check('delivery.type', 'delivery type', delivery, before?.delivery?.type, ref.deliveryType(delivery ?? ''));

  const oldItems = new Map(before?.items.map((i) => [i.id, i]) ?? []);
  after.items.forEach((item, i) =>
    check(
      `items[${i}].status`,
      'item status',
      item.status,
      oldItems.get(item.id)?.status,
      ref.itemStatus(item.status ?? ''),
    ),
  );
  const oldPayments = new Map(before?.payments.map((p) => [p.id, p]) ?? []);
  after.payments.forEach((p, i) => {
    const old = oldPayments.get(p.id);
    check(`payments[${i}].type`, 'payment type', p.type, old?.type, ref.paymentType(p.type));
    check(`payments[${i}].status`, 'payment status', p.status, old?.status, ref.paymentStatus(p.status));
  });

  for (const [code, value] of Object.entries(after.customFields)) {
    const field = `customFields.${code}`;
    const definition = ref.customField('order', code);
    if (!definition) {
      out.push({ field, reason: `unknown order custom field '${code}'` });
      continue;
    }
    const problem = customFieldProblem(definition.type, definition.values, value);
    if (problem) out.push({ field, reason: problem });
  }
  return out;
}
