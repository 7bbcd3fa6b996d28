import { Migration } from '@mikro-orm/migrations';

/** "Bought product" segments look up the orders with some offers: a GIN index on the offers. */
export class Migration20261126060000_order_facts_offers_idx extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "customer_order_facts_offers_idx" on "customer_order_facts" using gin ("offer_external_ids");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "customer_order_facts_offers_idx";`);
  }
}
