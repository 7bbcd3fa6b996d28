import { Migration } from '@mikro-orm/migrations';

export class Migration20261125201644_reference_data extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "reference_data" ("id" smallint not null default 1, "version" int not null, "document" jsonb not null, "updated_at" timestamptz not null, constraint "reference_data_pkey" primary key ("id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "reference_data" cascade;`);
  }

}
