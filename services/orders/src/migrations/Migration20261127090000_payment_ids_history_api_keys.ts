import { Migration } from '@mikro-orm/migrations';

/**
 * Payments get a numeric id unique in the installation (integrations whose payment ids are numbers,
 * RetailCRM API v5), taken from a sequence when a payment is made; payments that exist take theirs
 * now. The numeric and external ids of an order's payments are also columns with GIN indexes, to
 * find the order of a payment. History entries record the API key that made them.
 */
export class Migration20261127090000_payment_ids_history_api_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence if not exists "payment_numeric_id_seq";`);
    this.addSql(`alter table "order_history" add column "api_key_id" text null;`);
    this.addSql(
      `alter table "orders" add column "payment_ids" bigint[] null, add column "payment_external_ids" text[] null;`,
    );
    this.addSql(`
      update "orders" o set
        document = jsonb_set(o.document, '{payments}', numbered.payments),
        payment_ids = numbered.ids
      from (
        select e.order_id, jsonb_agg(e.payment || jsonb_build_object('numericId', e.n) order by e.i) as payments,
          array_agg(e.n order by e.i) as ids
        from (
          select o2.id as order_id, t.payment, t.i, nextval('payment_numeric_id_seq') as n
          from (select id, document from "orders" order by created_at, id) o2,
            jsonb_array_elements(o2.document->'payments') with ordinality as t(payment, i)
        ) e
        group by e.order_id
      ) numbered
      where numbered.order_id = o.id;`);
    this.addSql(`create index "orders_payment_ids_idx" on "orders" using gin ("payment_ids");`);
    this.addSql(
      `create index "orders_payment_external_ids_idx" on "orders" using gin ("payment_external_ids");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "orders_payment_external_ids_idx";`);
    this.addSql(`drop index "orders_payment_ids_idx";`);
    this.addSql(`
      update "orders" set document = jsonb_set(document, '{payments}',
        (select coalesce(jsonb_agg((p - 'numericId') - 'externalId' order by i), '[]'::jsonb)
         from jsonb_array_elements(document->'payments') with ordinality as t(p, i)));`);
    this.addSql(`alter table "orders" drop column "payment_ids", drop column "payment_external_ids";`);
    this.addSql(`alter table "order_history" drop column "api_key_id";`);
    this.addSql(`drop sequence if exists "payment_numeric_id_seq";`);
  }
}
