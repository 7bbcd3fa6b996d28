import { Migration } from '@mikro-orm/migrations';

/**
 * Customer profiles: individual customers with their notes, corporate customers with their companies
 * and contact persons, and one history table for both. customer_contacts (contacts as orders carried
 * them) stays as it is.
 */
export class Migration20261126023000_customer_profiles extends Migration {

  override async up(): Promise<void> {
    // Trigram indexes serve name search by any part of the name ("иван" finds "Иванов Иван").
    // pg_trgm is a trusted extension: the database owner may create it without being a superuser.
    this.addSql(`create extension if not exists pg_trgm;`);

    this.addSql(`create table "customers" ("id" uuid not null, "site" text not null, "external_id" text null, "idempotency_key" text null, "request_fingerprint" text null, "first_name" text null, "last_name" text null, "patronymic" text null, "name_key" text null, "phones" jsonb not null, "phone_keys" text[] not null, "emails" text[] not null, "email_keys" text[] not null, "addresses" jsonb not null, "birthday" date null, "sex" text null, "tags" text[] not null, "custom_fields" jsonb not null, "consent" jsonb not null, "manager_id" text null, "vip" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" bigint not null, "merged_into" uuid null, "orders_count" int not null default 0, "metrics_currency" text null, "total_spent_minor" bigint not null default 0, "average_check_minor" bigint not null default 0, "paid_total_minor" bigint not null default 0, "cancellations" int not null default 0, "first_order_at" timestamptz null, "last_order_at" timestamptz null, constraint "customers_pkey" primary key ("id"));`);
    this.addSql(`alter table "customers" add constraint "customers_site_external_id_uniq" unique ("site", "external_id");`);
    this.addSql(`alter table "customers" add constraint "customers_site_idempotency_key_uniq" unique ("site", "idempotency_key");`);
    this.addSql(`create index "customers_site_created_at_idx" on "customers" ("site", "created_at", "id");`);
    this.addSql(`create index "customers_manager_id_idx" on "customers" ("manager_id");`);
    this.addSql(`create index "customers_merged_into_idx" on "customers" ("merged_into");`);
    // Search and identity resolution: a normalised phone or email (array containment), a name part.
    this.addSql(`create index "customers_phone_keys_idx" on "customers" using gin ("phone_keys");`);
    this.addSql(`create index "customers_email_keys_idx" on "customers" using gin ("email_keys");`);
    this.addSql(`create index "customers_name_key_idx" on "customers" using gin ("name_key" gin_trgm_ops);`);

    this.addSql(`create table "customer_notes" ("id" uuid not null, "customer_id" uuid not null, "site" text not null, "text" text not null, "author_id" text null, "source" text not null, "created_at" timestamptz not null, constraint "customer_notes_pkey" primary key ("id"));`);
    this.addSql(`create index "customer_notes_customer_id_idx" on "customer_notes" ("customer_id", "created_at");`);

    this.addSql(`create table "customer_history" ("id" bigserial primary key, "customer_id" uuid not null, "customer_kind" text not null, "site" text not null, "field" text not null, "old_value" jsonb null, "new_value" jsonb null, "user_id" text null, "source" text not null, "customer_version" bigint not null, "at" timestamptz not null);`);
    this.addSql(`create index "customer_history_customer_id_idx" on "customer_history" ("customer_id", "id");`);
    this.addSql(`create index "customer_history_site_idx" on "customer_history" ("site", "id");`);

    this.addSql(`create table "corporate_customers" ("id" uuid not null, "site" text not null, "external_id" text null, "idempotency_key" text null, "request_fingerprint" text null, "name" text not null, "name_key" text not null, "manager_id" text null, "vip" boolean not null, "tags" text[] not null, "addresses" jsonb not null, "custom_fields" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" bigint not null, "merged_into" uuid null, constraint "corporate_customers_pkey" primary key ("id"));`);
    this.addSql(`alter table "corporate_customers" add constraint "corporate_customers_site_external_id_uniq" unique ("site", "external_id");`);
    this.addSql(`alter table "corporate_customers" add constraint "corporate_customers_site_idempotency_key_uniq" unique ("site", "idempotency_key");`);
    this.addSql(`create index "corporate_customers_site_created_at_idx" on "corporate_customers" ("site", "created_at", "id");`);
    this.addSql(`create index "corporate_customers_merged_into_idx" on "corporate_customers" ("merged_into");`);
    this.addSql(`create index "corporate_customers_name_key_idx" on "corporate_customers" using gin ("name_key" gin_trgm_ops);`);

    this.addSql(`create table "corporate_companies" ("id" uuid not null, "corporate_customer_id" uuid not null, "name" text not null, "main" boolean not null, "legal_name" text null, "inn" text null, "kpp" text null, "ogrn" text null, "tax_number" text null, "legal_address" text null, "bank" text null, "bik" text null, "bank_account" text null, "corr_account" text null, "created_at" timestamptz not null, constraint "corporate_companies_pkey" primary key ("id"));`);
    this.addSql(`create index "corporate_companies_corporate_id_idx" on "corporate_companies" ("corporate_customer_id");`);
    this.addSql(`create index "corporate_companies_inn_idx" on "corporate_companies" ("inn");`);

    this.addSql(`create table "corporate_contacts" ("corporate_customer_id" uuid not null, "customer_id" uuid not null, "role" text null, "main" boolean not null, "company_id" uuid null, "created_at" timestamptz not null, constraint "corporate_contacts_pkey" primary key ("corporate_customer_id", "customer_id"));`);
    this.addSql(`create index "corporate_contacts_customer_id_idx" on "corporate_contacts" ("customer_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "corporate_contacts" cascade;`);
    this.addSql(`drop table if exists "corporate_companies" cascade;`);
    this.addSql(`drop table if exists "corporate_customers" cascade;`);
    this.addSql(`drop table if exists "customer_history" cascade;`);
    this.addSql(`drop table if exists "customer_notes" cascade;`);
    this.addSql(`drop table if exists "customers" cascade;`);
  }

}
