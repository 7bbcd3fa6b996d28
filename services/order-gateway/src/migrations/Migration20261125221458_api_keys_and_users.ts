import { Migration } from '@mikro-orm/migrations';

export class Migration20261125221458_api_keys_and_users extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "inbox_message" ("consumer_group" text not null, "event_id" uuid not null, "event_type" text not null, "topic" text not null, "partition" int not null, "offset" bigint not null, "processed_at" timestamptz not null default now(), constraint "inbox_message_pkey" primary key ("consumer_group", "event_id"));`,
    );

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
      `create table "users" ("id" uuid not null, "login" text not null, "name" text not null, "email" text null, "groups" text[] not null, "active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_login_unique" unique ("login");`);

    this.addSql(
      `create table "api_keys" ("id" uuid not null, "name" text not null, "prefix" text not null, "hash" text not null, "permissions" text[] not null, "all_sites" boolean not null default false, "sites" text[] not null, "user_id" uuid null, "rate_limit_rps" int null, "rate_limit_burst" int null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "api_keys_prefix_idx" on "api_keys" ("prefix");`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_hash_unique" unique ("hash");`);

    this.addSql(
      `alter table "api_keys" add constraint "api_keys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete restrict;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_keys" drop constraint "api_keys_user_id_foreign";`);

    this.addSql(`drop table if exists "inbox_message" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "api_keys" cascade;`);
  }
}
