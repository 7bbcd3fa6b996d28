import { Migration } from '@mikro-orm/migrations';

/**
 * The API key of each customer history entry, so that an integration reading the history can tell
 * its own changes (RetailCRM's apiKey.current). Earlier entries have none.
 */
export class Migration20261127100000_history_api_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customer_history" add column "api_key_id" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customer_history" drop column "api_key_id";`);
  }
}
