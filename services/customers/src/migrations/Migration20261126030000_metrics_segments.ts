import { Migration } from '@mikro-orm/migrations';

/**
 * Customer metrics and segments: the projection of each customer's orders (customer_order_facts),
 * segment definitions and their members, and an index for the time-dependent re-evaluation of
 * segments ("last order within N days").
 */
export class Migration20261126030000_metrics_segments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "customer_order_facts" ("order_id" uuid not null, "customer_id" uuid null, "site" text not null, "order_version" bigint not null, "currency" text null, "total_minor" bigint not null, "paid_minor" bigint not null, "status_group" text null, "cancelled" boolean not null, "ordered_at" timestamptz null, "offer_external_ids" text[] not null, "updated_at" timestamptz not null, constraint "customer_order_facts_pkey" primary key ("order_id"));`,
    );
    this.addSql(
      `create index "customer_order_facts_customer_id_idx" on "customer_order_facts" ("customer_id");`,
    );

    this.addSql(
      `create table "segments" ("id" uuid not null, "code" text not null, "name" text not null, "site" text null, "filter" jsonb not null, "version" bigint not null, "time_dependent" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "membership_version" bigint not null, "rebuild_after" uuid null, "rebuild_processed" bigint not null, "time_evaluated_at" timestamptz null, constraint "segments_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "segments_site_idx" on "segments" ("site");`);
    this.addSql(`alter table "segments" add constraint "segments_code_uniq" unique ("code");`);

    this.addSql(
      `create table "segment_members" ("segment_id" uuid not null, "customer_id" uuid not null, "site" text not null, "entered_at" timestamptz not null, constraint "segment_members_pkey" primary key ("segment_id", "customer_id"));`,
    );
    this.addSql(
      `create index "segment_members_entered_idx" on "segment_members" ("segment_id", "entered_at", "customer_id");`,
    );
    this.addSql(`create index "segment_members_customer_id_idx" on "segment_members" ("customer_id");`);

    this.addSql(`create index "customers_last_order_at_idx" on "customers" ("last_order_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "customers_last_order_at_idx";`);
    this.addSql(`drop table if exists "segment_members" cascade;`);
    this.addSql(`drop table if exists "segments" cascade;`);
    this.addSql(`drop table if exists "customer_order_facts" cascade;`);
  }
}
