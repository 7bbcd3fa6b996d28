import { Migration } from '@mikro-orm/migrations';

/**
 * "Bought category" segments: each order fact keeps the categories of its lines, looked up like the
 * offers through a GIN index. Facts written before have none (order lines carried none), as has a
 * fact written without naming them.
 */
export class Migration20261128090000_order_facts_categories extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "customer_order_facts" add column "product_categories" text[] not null default '{}';`,
    );
    this.addSql(
      `create index "customer_order_facts_categories_idx" on "customer_order_facts" using gin ("product_categories");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "customer_order_facts_categories_idx";`);
    this.addSql(`alter table "customer_order_facts" drop column "product_categories";`);
  }
}
