import { Migration } from '@mikro-orm/migrations';

export class Migration20261125190742 extends Migration {
  override async up(): Promise<void> {
    // Order numbers come from a sequence: unlike a counter row, it never serialises concurrent creates.
    this.addSql(`create sequence "order_number_seq" start 1001;`);
    this.addSql(
      `create table "inbox_message" ("consumer_group" text not null, "event_id" uuid not null, "event_type" text not null, "topic" text not null, "partition" int not null, "offset" bigint not null, "processed_at" timestamptz not null default now(), constraint "inbox_message_pkey" primary key ("consumer_group", "event_id"));`,
    );

    this.addSql(
      `create table "orders" ("id" uuid not null, "site" text not null, "number" text not null, "external_id" text null, "idempotency_key" text null, "request_fingerprint" text not null, "status" text not null, "customer_first_name" text null, "customer_last_name" text null, "customer_phone" text null, "customer_email" text null, "currency" text not null, "total_minor" bigint not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "status_updated_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "orders_site_created_at_idx" on "orders" ("site", "created_at");`);
    this.addSql(
      `alter table "orders" add constraint "orders_site_idempotency_key_uniq" unique ("site", "idempotency_key");`,
    );
    this.addSql(
      `alter table "orders" add constraint "orders_site_external_id_uniq" unique ("site", "external_id");`,
    );
    this.addSql(`alter table "orders" add constraint "orders_site_number_uniq" unique ("site", "number");`);

    this.addSql(
      `create table "order_items" ("id" uuid not null, "order_id" uuid not null, "position" int not null, "offer_external_id" text null, "name" text not null, "quantity" int not null, "unit_price_minor" bigint not null, constraint "order_items_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "order_items_order_id_idx" on "order_items" ("order_id");`);

    this.addSql(
      `create table "outbox_message" ("id" bigserial primary key, "event_id" uuid not null, "event_type" text not null, "topic" text not null, "message_key" text not null, "envelope" jsonb not null, "headers" jsonb not null, "created_at" timestamptz not null default now(), "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null);`,
    );
    this.addSql(
      `alter table "outbox_message" add constraint "outbox_message_event_id_unique" unique ("event_id");`,
    );
    this.addSql(
      `create index "outbox_message_unpublished_idx" on "outbox_message" ("id") where "published_at" is null;`,
    );

    this.addSql(
      `alter table "order_items" add constraint "order_items_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop sequence if exists "order_number_seq";`);
    this.addSql(`alter table "order_items" drop constraint "order_items_order_id_foreign";`);

    this.addSql(`drop table if exists "inbox_message" cascade;`);

    this.addSql(`drop table if exists "orders" cascade;`);

    this.addSql(`drop table if exists "order_items" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);
  }
}
