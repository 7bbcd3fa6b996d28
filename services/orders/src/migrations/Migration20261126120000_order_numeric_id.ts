import { Migration } from '@mikro-orm/migrations';

/**
 * Every order gets its numeric id: the {n} of its number, for integrations whose ids are numbers
 * (RetailCRM API v5). New orders take it from the number sequence at creation; orders that exist
 * already take fresh values in creation order, so numeric ids still grow with creation.
 */
export class Migration20261126120000_order_numeric_id extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "numeric_id" bigint null;`);
    this.addSql(`
      update "orders" o set numeric_id = numbered.n,
        document = o.document || jsonb_build_object('numericId', numbered.n)
      from (
        select id, nextval('order_number_seq') as n
        from (select id from "orders" order by created_at, id) ordered
      ) numbered
      where numbered.id = o.id;`);
    this.addSql(`alter table "orders" alter column "numeric_id" set not null;`);
    this.addSql(`alter table "orders" add constraint "orders_numeric_id_uniq" unique ("numeric_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "orders" drop constraint "orders_numeric_id_uniq";`);
    this.addSql(`alter table "orders" drop column "numeric_id";`);
    this.addSql(`update "orders" set document = document - 'numericId';`);
  }
}
