import { Migration } from '@mikro-orm/migrations';

/**
 * Identity resolution: the match index (a record and blocking keys per live profile), per-site
 * match settings, order links with their explanations, suggestions, merges with what undoes them,
 * and deduplication jobs with their checkpoints. customer_contacts stays until the identity
 * backfill has resolved its rows (see contacts/customer-contact.entity.ts).
 */
export class Migration20261126040000_identity_resolution extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "customer_match_keys" ("site" text not null, "key" text not null, "customer_id" uuid not null, constraint "customer_match_keys_pkey" primary key ("site", "key", "customer_id"));`,
    );
    this.addSql(`create index "customer_match_keys_customer_id_idx" on "customer_match_keys" ("customer_id");`);

    this.addSql(
      `create table "customer_match_records" ("customer_id" uuid not null, "site" text not null, "record" jsonb not null, constraint "customer_match_records_pkey" primary key ("customer_id"));`,
    );

    this.addSql(
      `create table "customer_match_settings" ("site" text not null, "override" jsonb not null, "version" int not null default 0, "updated_at" timestamptz null, "updated_by" text null, "term_frequencies" jsonb null, "term_frequencies_at" timestamptz null, constraint "customer_match_settings_pkey" primary key ("site"));`,
    );

    this.addSql(
      `create table "customer_order_links" ("order_id" uuid not null, "site" text not null, "customer_id" uuid not null, "decision" text not null, "candidate_id" uuid null, "weight" double precision null, "candidate_decision" text null, "contributions" jsonb null, "contradictions" text[] null, "suggestion_ids" text[] null, "linked_at" timestamptz not null, "updated_at" timestamptz not null, constraint "customer_order_links_pkey" primary key ("order_id"));`,
    );
    this.addSql(`create index "customer_order_links_customer_id_idx" on "customer_order_links" ("customer_id");`);

    this.addSql(
      `create table "customer_match_suggestions" ("id" uuid not null, "site" text not null, "customer_a" uuid not null, "customer_b" uuid not null, "weight" double precision not null, "probability" double precision not null, "contributions" jsonb not null, "contradictions" text[] not null, "status" text not null default 'open', "origin" text not null, "order_id" uuid null, "job_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "decided_by" text null, "decided_at" timestamptz null, "merge_id" uuid null, constraint "customer_match_suggestions_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "customer_match_suggestions_site_status_idx" on "customer_match_suggestions" ("site", "status", "created_at", "id");`,
    );
    this.addSql(
      `create index "customer_match_suggestions_customer_b_idx" on "customer_match_suggestions" ("customer_b");`,
    );
    this.addSql(
      `alter table "customer_match_suggestions" add constraint "customer_match_suggestions_pair_uniq" unique ("customer_a", "customer_b");`,
    );

    this.addSql(
      `create table "customer_merges" ("id" uuid not null, "site" text not null, "survivor_id" uuid not null, "merged_ids" text[] not null, "origin" text not null, "suggestion_id" uuid null, "job_id" uuid null, "snapshot" jsonb not null, "changed_fields" text[] not null, "survivor_version" int not null, "created_at" timestamptz not null, "created_by" text null, "source" text not null, "undone_at" timestamptz null, "undone_by" text null, constraint "customer_merges_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "customer_merges_merged_ids_idx" on "customer_merges" using gin ("merged_ids");`);
    this.addSql(
      `create index "customer_merges_site_created_at_idx" on "customer_merges" ("site", "created_at", "id");`,
    );
    this.addSql(`create index "customer_merges_survivor_id_idx" on "customer_merges" ("survivor_id");`);

    this.addSql(
      `create table "customer_dedup_jobs" ("id" uuid not null, "site" text not null, "status" text not null default 'running', "phase" text not null default 'loading', "auto_merge" boolean not null, "snapshot_at" timestamptz not null, "total" int not null default 0, "cursor" int not null default 0, "pairs_scored" bigint not null default 0, "auto_merge_pairs" int not null default 0, "suggest_pairs" int not null default 0, "clusters" int not null default 0, "merge_cursor" int not null default 0, "merges" int not null default 0, "profiles_merged" int not null default 0, "clusters_skipped" int not null default 0, "suggest_total" int not null default 0, "suggest_cursor" int not null default 0, "suggestions_filed" int not null default 0, "rate" double precision not null default 0, "eta_seconds" double precision null, "seconds" double precision not null default 0, "created_by" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz null, "owner" text null, "heartbeat_at" timestamptz null, "cancel_requested" boolean not null default false, "runs" int not null default 0, "error" text null, "report" jsonb null, constraint "customer_dedup_jobs_pkey" primary key ("id"));`,
    );
    // One running job per site.
    this.addSql(
      `create unique index "customer_dedup_jobs_running_uniq" on "customer_dedup_jobs" ("site") where "status" = 'running';`,
    );
    this.addSql(
      `create index "customer_dedup_jobs_site_created_at_idx" on "customer_dedup_jobs" ("site", "created_at");`,
    );

    this.addSql(
      `create table "customer_dedup_job_pairs" ("job_id" uuid not null, "a" int not null, "b" int not null, "a_id" uuid not null, "b_id" uuid not null, "weight" double precision not null, "decision" text not null, constraint "customer_dedup_job_pairs_pkey" primary key ("job_id", "a", "b"));`,
    );
  }

  override async down(): Promise<void> {
    for (const table of [
      'customer_dedup_job_pairs',
      'customer_dedup_jobs',
      'customer_merges',
      'customer_match_suggestions',
      'customer_order_links',
      'customer_match_settings',
      'customer_match_records',
      'customer_match_keys',
    ]) {
      this.addSql(`drop table if exists "${table}" cascade;`);
    }
  }
}
