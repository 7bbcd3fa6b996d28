import { Migration } from '@mikro-orm/migrations';

export class Migration20261125190711 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "inbox_message" ("consumer_group" text not null, "event_id" uuid not null, "event_type" text not null, "topic" text not null, "partition" int not null, "offset" bigint not null, "processed_at" timestamptz not null default now(), constraint "inbox_message_pkey" primary key ("consumer_group", "event_id"));`);

    this.addSql(`create table "outbox_message" ("id" bigserial primary key, "event_id" uuid not null, "event_type" text not null, "topic" text not null, "message_key" text not null, "envelope" jsonb not null, "headers" jsonb not null, "created_at" timestamptz not null default now(), "published_at" timestamptz null, "attempts" int not null default 0, "last_error" text null);`);
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_event_id_unique" unique ("event_id");`);
    this.addSql(`create index "outbox_message_unpublished_idx" on "outbox_message" ("id") where "published_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "inbox_message" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);
  }

}
