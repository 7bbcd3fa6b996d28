import { Migration } from '@mikro-orm/migrations';

export class Migration20261125221024_order_documents extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "order_history" ("id" bigserial primary key, "order_id" uuid not null, "site" text not null, "field" text not null, "old_value" jsonb null, "new_value" jsonb null, "user_id" text null, "source" text not null, "order_version" bigint not null, "at" timestamptz not null);`);
    this.addSql(`create index "order_history_site_idx" on "order_history" ("site", "id");`);
    this.addSql(`create index "order_history_order_id_idx" on "order_history" ("order_id", "id");`);
    this.addSql(`create table "order_command_keys" ("order_id" uuid not null, "key" text not null, "fingerprint" text not null, "created_at" timestamptz not null, constraint "order_command_keys_pkey" primary key ("order_id", "key"));`);

    this.addSql(`alter table "orders" add column "status_group" text null, add column "final" boolean null, add column "manager_id" text null, add column "customer_id" text null, add column "phone" text null, add column "email" text null, add column "version" bigint null, add column "document" jsonb null;`);

    // Orders created before this migration become documents: their lines move in, their status
    // group comes from the stored reference data, and each gets a 'created' history entry.
    this.addSql(`
      with iso as (select 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"' as fmt),
      groups as (
        select s->>'code' as status, s->>'group' as status_group, g->>'kind' in ('complete', 'cancel') as final
        from reference_data r, jsonb_array_elements(r.document->'statuses') s
        join jsonb_array_elements(r.document->'statusGroups') g on g->>'code' = s->>'group'
      )
      update "orders" o set
        status_group = coalesce(groups.status_group, 'new'),
        final = coalesce(groups.final, false),
        phone = o.customer_phone,
        email = lower(o.customer_email),
        version = 1,
        document = jsonb_strip_nulls(jsonb_build_object(
          'id', o.id, 'site', o.site, 'number', o.number, 'externalId', o.external_id,
          'status', o.status, 'currency', o.currency,
          'statusUpdatedAt', to_char(o.status_updated_at at time zone 'UTC', iso.fmt),
          'createdAt', to_char(o.created_at at time zone 'UTC', iso.fmt),
          'updatedAt', to_char(o.updated_at at time zone 'UTC', iso.fmt),
          'customer', jsonb_build_object('firstName', o.customer_first_name, 'lastName', o.customer_last_name,
            'phones', case when o.customer_phone is null then '[]'::jsonb else jsonb_build_array(o.customer_phone) end,
            'email', o.customer_email),
          'contragent', jsonb_build_object('type', 'individual'),
          'items', coalesce((select jsonb_agg(jsonb_build_object('id', i.id, 'offerExternalId', i.offer_external_id,
              'name', i.name, 'quantity', i.quantity,
              'unitPrice', jsonb_build_object('amountMinor', i.unit_price_minor, 'currency', o.currency),
              'discount', jsonb_build_object('amountMinor', 0, 'currency', o.currency)) order by i.position)
            from order_items i where i.order_id = o.id), '[]'::jsonb),
          'discount', jsonb_build_object('amountMinor', 0, 'currency', o.currency),
          'payments', '[]'::jsonb, 'tags', '[]'::jsonb, 'customFields', '{}'::jsonb))
      from iso, "orders" o2 left join groups on groups.status = o2.status
      where o2.id = o.id;`);
    this.addSql(`insert into "order_history" ("order_id", "site", "field", "old_value", "new_value", "source", "order_version", "at")
      select id, site, 'created', null, document - 'updatedAt', 'import', 1, created_at from "orders" order by created_at, id;`);
    this.addSql(`alter table "orders" alter column "status_group" set not null, alter column "final" set not null, alter column "version" set not null, alter column "document" set not null;`);

    this.addSql(`drop table if exists "order_items" cascade;`);
    this.addSql(`drop index "orders_site_created_at_idx";`);
    this.addSql(`alter table "orders" drop column "customer_first_name", drop column "customer_last_name", drop column "customer_phone", drop column "customer_email";`);

    this.addSql(`create index "orders_email_idx" on "orders" ("email");`);
    this.addSql(`create index "orders_phone_idx" on "orders" ("phone");`);
    this.addSql(`create index "orders_customer_id_idx" on "orders" ("customer_id");`);
    this.addSql(`create index "orders_manager_id_idx" on "orders" ("manager_id", "created_at");`);
    this.addSql(`create index "orders_status_status_updated_at_idx" on "orders" ("status", "status_updated_at");`);
    this.addSql(`create index "orders_site_created_at_idx" on "orders" ("site", "created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`create table "order_items" ("id" uuid not null, "order_id" uuid not null, "position" int4 not null, "offer_external_id" text null, "name" text not null, "quantity" int4 not null, "unit_price_minor" int8 not null, constraint "order_items_pkey" primary key ("id"));`);
    this.addSql(`create index "order_items_order_id_idx" on "order_items" ("order_id");`);

    this.addSql(`alter table "order_items" add constraint "order_items_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update cascade on delete cascade;`);

    this.addSql(`drop table if exists "order_history" cascade;`);
    this.addSql(`drop table if exists "order_command_keys" cascade;`);

    this.addSql(`drop index "orders_email_idx";`);
    this.addSql(`drop index "orders_phone_idx";`);
    this.addSql(`drop index "orders_customer_id_idx";`);
    this.addSql(`drop index "orders_manager_id_idx";`);
    this.addSql(`drop index "orders_status_status_updated_at_idx";`);
    this.addSql(`drop index "orders_site_created_at_idx";`);
    this.addSql(`alter table "orders" drop column "status_group", drop column "final", drop column "manager_id", drop column "customer_id", drop column "phone", drop column "email", drop column "version", drop column "document";`);

    this.addSql(`alter table "orders" add column "customer_first_name" text null, add column "customer_last_name" text null, add column "customer_phone" text null, add column "customer_email" text null;`);
    this.addSql(`create index "orders_site_created_at_idx" on "orders" ("site", "created_at");`);
  }

}
