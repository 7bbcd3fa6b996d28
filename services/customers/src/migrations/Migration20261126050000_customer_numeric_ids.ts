import { Migration } from '@mikro-orm/migrations';

/**
 * Numeric ids for individual and corporate customers, for integrations whose customer ids are
 * numbers (RetailCRM's API): one sequence for both kinds, so a number names one customer of the
 * installation. Existing customers get theirs in creation order (individual ones first). Notes get
 * an index by site, for lists of a site's notes.
 */
export class Migration20261126050000_customer_numeric_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create sequence if not exists "customer_numeric_id_seq";`);
    for (const table of ['customers', 'corporate_customers']) {
      this.addSql(`alter table "${table}" add column "numeric_id" bigint null;`);
      this.addSql(`
        update "${table}" t set numeric_id = numbered.n
        from (select id, nextval('customer_numeric_id_seq') as n
              from (select id from "${table}" order by created_at, id) ordered) numbered
        where numbered.id = t.id;`);
    }
    for (const table of ['customers', 'corporate_customers']) {
      this.addSql(
        `alter table "${table}" alter column "numeric_id" set default nextval('customer_numeric_id_seq');`,
      );
      this.addSql(`alter table "${table}" alter column "numeric_id" set not null;`);
      this.addSql(`alter table "${table}" add constraint "${table}_numeric_id_uniq" unique ("numeric_id");`);
    }
    this.addSql(
      `create index "customer_notes_site_created_at_idx" on "customer_notes" ("site", "created_at", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "customer_notes_site_created_at_idx";`);
    for (const table of ['customers', 'corporate_customers']) {
      this.addSql(`alter table "${table}" drop constraint "${table}_numeric_id_uniq";`);
      this.addSql(`alter table "${table}" drop column "numeric_id";`);
    }
    this.addSql(`drop sequence if exists "customer_numeric_id_seq";`);
  }
}
