import type { SegmentFilter } from '@openretail/contracts';
import { lastOrderBounds } from './segment-match';

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** A text[] from a JSON parameter: arrays travel as JSON, as elsewhere in the platform. */
export const TEXT_ARRAY = 'array(select jsonb_array_elements_text(?::jsonb))';

/**
 * The profiles merged into customer `c` and `c` itself, transitively: their orders are the
 * survivor's. A correlated recursive CTE, each step an index lookup on merged_into.
 */
export const FAMILY_OF_C = `with recursive family(id) as (
    select c.id union select m.id from customers m join family on m.merged_into = family.id
  ) select id from family`;

/**
 * The filter as a condition on `customers c` at `now`: the same decision as matchesSegment, for
 * evaluating a segment over many customers in one statement. Values go as parameters.
 */
export function segmentConditionSql(filter: SegmentFilter, now: Date): SqlCondition {
  const parts: string[] = ['c.merged_into is null'];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  const range = (column: string, r: { min?: number; max?: number }) => {
    if (r.min !== undefined) add(`${column} >= ?`, r.min);
    if (r.max !== undefined) add(`${column} <= ?`, r.max);
  };

  const { tags, consent } = filter;
  if (tags?.any) add(`c.tags && ${TEXT_ARRAY}`, JSON.stringify(tags.any));
  if (tags?.all) add(`c.tags @> ${TEXT_ARRAY}`, JSON.stringify(tags.all));
  if (tags?.none) add(`not (c.tags && ${TEXT_ARRAY})`, JSON.stringify(tags.none));
  if (filter.vip !== undefined) add('c.vip = ?', filter.vip);
  for (const [channel, wanted] of Object.entries(consent ?? {})) {
    const granted = `coalesce(c.consent -> ? ->> 'status', '') = 'granted'`;
    add(wanted === 'granted' ? granted : `not ${granted}`, channel);
  }
  if (filter.ordersCount) range('c.orders_count', filter.ordersCount);
  if (filter.totalSpent) {
    add('c.metrics_currency = ?', filter.totalSpent.currency);
    range('c.total_spent_minor', filter.totalSpent);
  }
  if (filter.averageCheck) {
    add('c.metrics_currency = ?', filter.averageCheck.currency);
    range('c.average_check_minor', filter.averageCheck);
  }
  if (filter.lastOrder) {
    const { atLeast, before } = lastOrderBounds(filter.lastOrder, now);
    add('c.last_order_at is not null');
    if (atLeast) add('c.last_order_at >= ?', atLeast);
    if (before) add('c.last_order_at < ?', before);
  }
  if (filter.boughtProducts) {
    add(
      `exists (select 1 from customer_order_facts f
        where f.customer_id in (${FAMILY_OF_C}) and f.order_version > 0 and not f.cancelled
          and f.offer_external_ids && ${TEXT_ARRAY})`,
      JSON.stringify(filter.boughtProducts),
    );
  }
  return { sql: parts.map((p) => `(${p})`).join(' and '), params };
}
