import type { SegmentFilter } from '@openretail/contracts';
import { lastOrderBounds } from './segment-match';

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** A text[] from a JSON parameter: arrays travel as JSON, as elsewhere in the platform. */
export const TEXT_ARRAY = 'array(select jsonb_array_elements_text(?::jsonb))';

/**
 * Customer `c` bought any of the offers (or categories: the fact's column) in the JSON parameter, in
 * an order that was not cancelled: its own or one of a profile merged into it, transitively. Written
 * from the orders' side, so the database evaluates it once per statement: the buyers (a GIN index
 * lookup on the column), walked up merged_into to their survivors.
 */
const bought = (column: 'offer_external_ids' | 'product_categories') => `c.id in (
    with recursive buyer(id) as (
      select f.customer_id from customer_order_facts f
      where f.${column} && ${TEXT_ARRAY} and f.order_version > 0 and not f.cancelled
        and f.customer_id is not null
      union
      select m.merged_into from buyer join customers m on m.id = buyer.id where m.merged_into is not null
    ) select id from buyer)`;

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
  if (filter.boughtProducts) add(bought('offer_external_ids'), JSON.stringify(filter.boughtProducts));
  if (filter.boughtCategories) add(bought('product_categories'), JSON.stringify(filter.boughtCategories));
  return { sql: parts.map((p) => `(${p})`).join(' and '), params };
}
