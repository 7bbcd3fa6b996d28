import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrderState } from '../orders/order-state';
import type { ReferenceData } from '../reference-data/reference-data';
import { planDeadlines } from './deadlines';

/**
 * One statement, because it runs in every order create: drops the orders' unfired deadlines that are
 * no longer planned, inserts the planned ones, and moves the due time of those already there when the
 * reference data changed it. Fired rows are never touched, so a fired key stays fired.
 */
const SCHEDULE_SQL = `
with planned as (
  select * from jsonb_to_recordset(?::jsonb)
    as p(key text, order_id uuid, kind text, status text, status_updated_at timestamptz, due_at timestamptz)
), dropped as (
  delete from order_deadlines d
  where d.order_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
    and d.fired_at is null
    and d.key not in (select key from planned)
)
insert into order_deadlines (key, order_id, kind, status, status_updated_at, due_at)
select key, order_id, kind, status, status_updated_at, due_at from planned
on conflict (key) do update set due_at = excluded.due_at
  where order_deadlines.fired_at is null and order_deadlines.due_at <> excluded.due_at`;

/** Keeps the order_deadlines table in step with the orders, inside the transactions that write them. */
export class DeadlineScheduler {
  /**
   * Plans the deadlines of an order just written, in the caller's transaction. `before` is the order
   * as it was (none for a new one): deadlines depend only on the status and when it was entered (and
   * the reference data), so an edit or a payment that leaves those alone writes nothing.
   */
  async schedule(
    em: EntityManager,
    ref: ReferenceData,
    order: OrderState,
    before?: OrderState,
  ): Promise<void> {
    if (before && !statusEntryChanged(before, order)) return;
    await this.replan(em, ref, [order]);
  }

  /** Plans the deadlines of several orders with the given reference data, in one statement. */
  async replan(em: EntityManager, ref: ReferenceData, orders: OrderState[]): Promise<void> {
    if (orders.length === 0) return;
    await em.execute(SCHEDULE_SQL, [planned(ref, orders), JSON.stringify(orders.map((o) => o.id))]);
  }

  /**
   * The deadlines of new orders (which have none yet), each planned with the reference data its
   * create saw, as an INSERT to use as a data-modifying CTE in the statement that creates the
   * orders, with its one parameter; it ends in its FROM clause (alias p), so the caller may add a WHERE.
   */
  insertForNewOrders(created: Array<{ ref: ReferenceData; order: OrderState }>): {
    sql: string;
    param: string;
  } {
    return {
      sql: `insert into order_deadlines (key, order_id, kind, status, status_updated_at, due_at)
        select key, order_id, kind, status, status_updated_at, due_at from jsonb_to_recordset(?::jsonb)
          as p(key text, order_id uuid, kind text, status text, status_updated_at timestamptz, due_at timestamptz)`,
      param: JSON.stringify(created.flatMap(({ ref, order }) => plannedRows(ref, [order]))),
    };
  }
}

/** The planned deadlines of orders as the JSON rows the statements read. */
function planned(ref: ReferenceData, orders: OrderState[]): string {
  return JSON.stringify(plannedRows(ref, orders));
}

function plannedRows(ref: ReferenceData, orders: OrderState[]) {
  return orders.flatMap((order) =>
    planDeadlines(ref, order).map((d) => ({
      key: d.key,
      order_id: d.orderId,
      kind: d.kind,
      status: d.status,
      status_updated_at: d.statusUpdatedAt.toISOString(),
      due_at: d.dueAt.toISOString(),
    })),
  );
}

export function statusEntryChanged(before: OrderState, after: OrderState): boolean {
  return (
    before.status !== after.status || before.statusUpdatedAt.getTime() !== after.statusUpdatedAt.getTime()
  );
}

/** Stateless, so the service and the worker share one. */
export const deadlineScheduler = new DeadlineScheduler();
