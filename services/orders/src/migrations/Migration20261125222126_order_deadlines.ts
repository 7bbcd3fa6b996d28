import { Migration } from '@mikro-orm/migrations';

export class Migration20261125222126_order_deadlines extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "order_deadline_replan" ("id" smallint not null default 1, "ref_version" int not null, "after_order_id" uuid null, "done" boolean not null, constraint "order_deadline_replan_pkey" primary key ("id"));`);

    this.addSql(`create table "order_deadlines" ("key" text not null, "order_id" uuid not null, "kind" text not null, "status" text not null, "status_updated_at" timestamptz not null, "due_at" timestamptz not null, "fired_at" timestamptz null, constraint "order_deadlines_pkey" primary key ("key"));`);
    this.addSql(`create index "order_deadlines_order_id_idx" on "order_deadlines" ("order_id") where "fired_at" is null;`);
    this.addSql(`create index "order_deadlines_due_idx" on "order_deadlines" ("due_at") where "fired_at" is null;`);

    // No version planned yet: the deadline worker's first round plans every open order that exists
    // already (their limits are in the reference data, which SQL here cannot evaluate).
    this.addSql(`insert into "order_deadline_replan" ("id", "ref_version", "after_order_id", "done") values (1, 0, null, true);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "order_deadline_replan" cascade;`);

    this.addSql(`drop table if exists "order_deadlines" cascade;`);
  }

}
