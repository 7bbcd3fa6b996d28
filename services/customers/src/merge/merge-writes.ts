import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerMergedV1, newId, type EventDefinition } from '@openretail/contracts';
import { eventsRecordedIn, outboxInsert, type OutboxEvent } from '@openretail/messaging';
import { executeBound, insertRecordset } from '@openretail/persistence';
import { historyRows, insertHistory } from '../history/history-rows';
import { emitOrderLinked } from '../identity/identity-resolution';
import { matchRecordOf, normaliseProfile, storeRecords, unindexProfiles } from '../identity/match-index';
import { refreshSurvivors } from '../metrics/customer-refresh';
import { actorOf, customerEventsOf, customerSummary, EVENT_SOURCE } from '../profiles/customer-events';
import { columnsOf } from '../profiles/customer-rows';
import { Customer } from '../profiles/customer.entity';
import type { CustomerReferenceData } from '../reference-data/customer-reference-data';
import type { Caller } from '../shared/caller';
import type { ContactPersonRow, CustomerMerge, MergeSnapshot } from './customer-merge.entity';
import type { MergePlan } from './merge-plan';

/** A merge as written: its record (what the undo reads) and the orders it moved. */
export interface WrittenMerge {
  plan: MergePlan;
  record: CustomerMerge;
  links: MergeSnapshot['links'];
}

/**
 * Writes planned merges, any number of them, with a fixed number of statements: the tombstones and
 * the survivors updated, the merged profiles' notes, contact persons and order links moved to their
 * survivor, the suggestions inside each merge accepted, the notes of what did not fit, every
 * profile's history, the match index (the merged profiles' records and keys gone, the survivors'
 * current), the survivors' metrics and segments, the merge records, and the events:
 * customer.updated of a survivor that changed, customer.merged, and a customer.order-linked per
 * order moved. Returns the merges as written.
 *
 * The plans' profiles must be locked by the caller's transaction and no profile may be in two
 * plans. One merge written alone (the API's) and thousands written together (a deduplication job's
 * chunk) give the same rows, history, records and events.
 */
export async function writeMerges(
  em: EntityManager,
  plans: readonly MergePlan[],
  caller: Caller,
  ref: CustomerReferenceData,
): Promise<WrittenMerge[]> {
  if (plans.length === 0) return [];
  const now = plans[0].at;
  const survivorOf = new Map<string, MergePlan>();
  for (const plan of plans) for (const id of plan.mergedIds) survivorOf.set(id, plan);
  const moving = JSON.stringify(
    plans.flatMap((p) => p.mergedIds.map((id) => ({ id, survivor_id: p.survivorId }))),
  );

  // Tombstones first: a survivor may take one's externalId, which must be free by then.
  await executeBound(
    em,
    `update customers c set merged_into = v.survivor_id, version = v.version, updated_at = v.at,
       external_id = case when v.clear then null else c.external_id end
     from jsonb_to_recordset(?::jsonb) as v(id uuid, survivor_id uuid, version bigint, at timestamptz, clear boolean)
     where c.id = v.id`,
    [
      JSON.stringify(
        plans.flatMap((p) =>
          p.tombstones.map((t) => ({
            id: t.id,
            survivor_id: p.survivorId,
            version: t.version,
            at: p.at,
            clear: t.clearExternalId,
          })),
        ),
      ),
    ],
  );
  await updateSurvivors(em, plans);

  const notes = await executeBound<{ id: string; customerId: string }[]>(
    em,
    `with m as (select * from jsonb_to_recordset(?::jsonb) as m(id uuid, survivor_id uuid)),
     moved as (
       select n.id, n.customer_id from customer_notes n join m on m.id = n.customer_id for update of n
     )
     update customer_notes n set customer_id = m.survivor_id from moved join m on m.id = moved.customer_id
     where n.id = moved.id
     returning moved.id, moved.customer_id as "customerId"`,
    [moving],
  );
  const contactPersons = await moveContactPersons(em, survivorOf);
  const links = await executeBound<{ orderId: string; customerId: string }[]>(
    em,
    `with m as (select * from jsonb_to_recordset(?::jsonb) as m(id uuid, survivor_id uuid)),
     moved as (
       select l.order_id, l.customer_id from customer_order_links l join m on m.id = l.customer_id
       for update of l
     )
     update customer_order_links l set customer_id = m.survivor_id, updated_at = ?
     from moved join m on m.id = moved.customer_id
     where l.order_id = moved.order_id
     returning moved.order_id as "orderId", moved.customer_id as "customerId"`,
    [moving, now],
  );
  const suggestions = await acceptSuggestions(em, plans, caller, now);

  const snapshots = new Map(
    plans.map((p) => [
      p.id,
      {
        customers: p.snapshotCustomers,
        notes: [],
        contactPersons: [],
        links: [],
        suggestions: [],
      } as MergeSnapshot,
    ]),
  );
  const snapshotOf = (customerId: string) => snapshots.get(survivorOf.get(customerId)!.id)!;
  for (const n of notes) snapshotOf(n.customerId).notes.push(n);
  for (const c of contactPersons) snapshotOf(c.row.customer_id).contactPersons.push(c);
  for (const l of links) snapshotOf(l.customerId).links.push(l);
  for (const { by, suggestion } of suggestions) snapshots.get(by)!.suggestions.push(suggestion);
  for (const s of snapshots.values()) s.links.sort((x, y) => (x.orderId < y.orderId ? -1 : 1));

  await insertRecordset(
    em,
    'customer_notes',
    NOTE_COLUMNS,
    plans
      .filter((p) => p.note)
      .map((p) => {
        const id = newId();
        snapshots.get(p.id)!.createdNoteId = id;
        return {
          id,
          customerId: p.survivorId,
          site: p.site,
          text: p.note,
          authorId: caller.userId,
          source: caller.source,
          createdAt: now,
        };
      }),
  );

  await insertHistory(
    em,
    plans.flatMap((p) => {
      const snapshot = snapshots.get(p.id)!;
      const target = (id: string, version: number) => ({
        id,
        site: p.site,
        kind: 'individual' as const,
        version,
      });
      return [
        ...p.tombstones.flatMap((t) => historyRows(target(t.id, t.version), t.changes, caller, p.at)),
        ...historyRows(
          target(p.survivorId, p.survivorVersion),
          [
            ...p.changes,
            {
              field: 'merge',
              oldValue: null,
              newValue: {
                mergeId: p.id,
                mergedIds: p.mergedIds,
                orders: snapshot.links.length,
                notes: snapshot.notes.length,
              },
            },
          ],
          caller,
          p.at,
        ),
      ];
    }),
  );

  await unindexProfiles(
    em,
    plans.flatMap((p) => p.mergedIds),
  );
  // A survivor that took nothing the engine compares keeps its record and keys as they are.
  await storeRecords(
    em,
    plans
      .filter(
        (p) => JSON.stringify(matchRecordOf(p.before)) !== JSON.stringify(matchRecordOf(p.outcome.after)),
      )
      .map((p) => normaliseProfile(p.outcome.after, ref)),
  );
  // The survivors' metrics and segments from the orders of each whole family, now one customer.
  await refreshSurvivors(
    em,
    plans.map((p) => p.survivorId),
    now,
  );

  const merges = plans.map((p): WrittenMerge => {
    const snapshot = snapshots.get(p.id)!;
    const record = {
      id: p.id,
      site: p.site,
      survivorId: p.survivorId,
      mergedIds: p.mergedIds,
      origin: p.origin,
      ...(p.suggestionId ? { suggestionId: p.suggestionId } : {}),
      ...(p.jobId ? { jobId: p.jobId } : {}),
      snapshot,
      changedFields: p.changes.map((c) => c.field),
      survivorVersion: p.survivorVersion,
      createdAt: now,
      ...(caller.userId ? { createdBy: caller.userId } : {}),
      source: caller.source,
    } as CustomerMerge;
    return { plan: p, record, links: snapshot.links };
  });
  await insertRecordset(
    em,
    'customer_merges',
    MERGE_COLUMNS,
    merges.map((m) => m.record),
  );

  const events: OutboxEvent[] = [];
  for (const { plan: p, links: moved } of merges) {
    if (p.changes.length > 0) {
      events.push(
        ...customerEventsOf(
          { before: p.before, after: p.outcome.after, noop: false, history: p.changes },
          caller,
          p.survivorVersion,
        ),
      );
    }
    events.push({
      definition: CustomerMergedV1 as EventDefinition<unknown>,
      envelope: CustomerMergedV1.create(
        {
          customer: customerSummary(p.outcome.after, p.survivorVersion),
          actor: actorOf(caller),
          mergeId: p.id,
          survivorId: p.survivorId,
          mergedIds: p.mergedIds,
          linkedOrderIds: moved.map((l) => l.orderId),
        },
        { source: EVENT_SOURCE, aggregateId: p.survivorId, occurredAt: now },
      ),
    });
    for (const link of moved) {
      await emitOrderLinked(em, {
        orderId: link.orderId,
        site: p.site,
        customerId: p.survivorId,
        previousCustomerId: link.customerId,
        decision: 'merged',
        mergeId: p.id,
        caller,
        at: now,
      });
    }
  }
  if (events.length > 0) {
    const insert = outboxInsert(events);
    await executeBound(em, insert.sql, [insert.param]);
    eventsRecordedIn(em);
  }
  return merges;
}

const NOTE_COLUMNS = {
  id: 'uuid',
  customer_id: 'uuid',
  site: 'text',
  text: 'text',
  author_id: 'text',
  source: 'text',
  created_at: 'timestamptz',
};

const MERGE_COLUMNS = {
  id: 'uuid',
  site: 'text',
  survivor_id: 'uuid',
  merged_ids: 'text[]',
  origin: 'text',
  suggestion_id: 'uuid',
  job_id: 'uuid',
  snapshot: 'jsonb',
  changed_fields: 'text[]',
  survivor_version: 'int',
  created_at: 'timestamptz',
  created_by: 'text',
  source: 'text',
};

/** The survivors' columns as the merge rules made them, one statement for all. */
async function updateSurvivors(em: EntityManager, plans: readonly MergePlan[]): Promise<void> {
  const meta = em.getMetadata().get(Customer.name);
  const rows = plans.map((p) => ({
    ...columnsOf(p.outcome.after),
    id: p.survivorId,
    version: p.survivorVersion,
  }));
  const columns = Object.keys(rows[0]).map((name) => ({
    name,
    column: meta.properties[name as keyof Customer].fieldNames[0],
    type: meta.properties[name as keyof Customer].columnTypes[0],
  }));
  await executeBound(
    em,
    `update customers c set ${columns
      .filter((c) => c.name !== 'id')
      .map((c) => `"${c.column}" = v."${c.column}"`)
      .join(', ')}
     from jsonb_to_recordset(?::jsonb) as v(${columns.map((c) => `"${c.column}" ${c.type}`).join(', ')})
     where c.id = v.id`,
    [
      JSON.stringify(
        rows.map((r) =>
          Object.fromEntries(columns.map((c) => [c.column, (r as Record<string, unknown>)[c.name] ?? null])),
        ),
      ),
    ],
  );
}

/**
 * Contact persons naming a merged profile name its survivor; a row the survivor has already (or
 * takes from an earlier merged profile) is dropped. Rows in (corporate customer, customer) order.
 */
async function moveContactPersons(
  em: EntityManager,
  survivorOf: ReadonlyMap<string, MergePlan>,
): Promise<MergeSnapshot['contactPersons']> {
  const rows = await executeBound<{ row: ContactPersonRow }[]>(
    em,
    `select to_jsonb(cc) as row from corporate_contacts cc
     where customer_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
     order by corporate_customer_id, customer_id for update`,
    [JSON.stringify([...survivorOf.keys()])],
  );
  if (rows.length === 0) return [];
  const target = (row: ContactPersonRow) => survivorOf.get(row.customer_id)!.survivorId;
  const held = await executeBound<{ corporate_customer_id: string; customer_id: string }[]>(
    em,
    `select cc.corporate_customer_id, cc.customer_id from corporate_contacts cc
     join jsonb_to_recordset(?::jsonb) as v(corporate_customer_id uuid, customer_id uuid)
       on v.corporate_customer_id = cc.corporate_customer_id and v.customer_id = cc.customer_id`,
    [
      JSON.stringify(
        rows.map(({ row }) => ({
          corporate_customer_id: row.corporate_customer_id,
          customer_id: target(row),
        })),
      ),
    ],
  );
  const taken = new Set(held.map((h) => `${h.corporate_customer_id}/${h.customer_id}`));
  const out: MergeSnapshot['contactPersons'] = [];
  for (const { row } of rows) {
    const key = `${row.corporate_customer_id}/${target(row)}`;
    out.push({ row, dropped: taken.has(key) });
    taken.add(key);
  }
  const pairs = (dropped: boolean) =>
    JSON.stringify(
      out
        .filter((c) => c.dropped === dropped)
        .map(({ row }) => ({
          corporate_customer_id: row.corporate_customer_id,
          customer_id: row.customer_id,
          survivor_id: target(row),
        })),
    );
  await executeBound(
    em,
    `with gone as (
       delete from corporate_contacts cc
       using jsonb_to_recordset(?::jsonb) as v(corporate_customer_id uuid, customer_id uuid)
       where cc.corporate_customer_id = v.corporate_customer_id and cc.customer_id = v.customer_id
     )
     update corporate_contacts cc set customer_id = v.survivor_id
     from jsonb_to_recordset(?::jsonb) as v(corporate_customer_id uuid, customer_id uuid, survivor_id uuid)
     where cc.corporate_customer_id = v.corporate_customer_id and cc.customer_id = v.customer_id`,
    [pairs(true), pairs(false)],
  );
  return out;
}

/**
 * The open suggestions between two profiles of one merge, and the one a merge accepts, decided as
 * accepted by it. Returns them as they were, with the merge that decided each.
 */
async function acceptSuggestions(
  em: EntityManager,
  plans: readonly MergePlan[],
  caller: Caller,
  now: Date,
): Promise<{ by: string; suggestion: MergeSnapshot['suggestions'][number] }[]> {
  const decide = async (select: string, param: string) => {
    const rows = await executeBound<(MergeSnapshot['suggestions'][number] & { by: string })[]>(
      em,
      `with m as (select * from jsonb_to_recordset(?::jsonb) as m(id uuid, merge_id uuid)),
       decided as (${select} for update of s)
       update customer_match_suggestions s set status = 'accepted', decided_by = ?, decided_at = ?,
         merge_id = decided.by, updated_at = ?
       from decided where s.id = decided.id
       returning decided.by, decided.id, decided.status, decided.decided_by as "decidedBy",
         decided.decided_at as "decidedAt", decided.merge_id as "mergeId"`,
      [param, caller.userId ?? null, now, now],
    );
    return rows.map(({ by, ...suggestion }) => ({ by, suggestion }));
  };
  const decided = await decide(
    `select s.id, s.status, s.decided_by, s.decided_at, s.merge_id, ma.merge_id as by
     from m ma join customer_match_suggestions s on s.customer_a = ma.id
     join m mb on mb.id = s.customer_b and mb.merge_id = ma.merge_id
     where s.status = 'open'`,
    JSON.stringify(
      plans.flatMap((p) => [p.survivorId, ...p.mergedIds].map((id) => ({ id, merge_id: p.id }))),
    ),
  );
  const named = plans.filter((p) => p.suggestionId);
  if (named.length > 0) {
    decided.push(
      ...(await decide(
        `select s.id, s.status, s.decided_by, s.decided_at, s.merge_id, m.merge_id as by
         from m join customer_match_suggestions s on s.id = m.id where s.status = 'open'`,
        JSON.stringify(named.map((p) => ({ id: p.suggestionId, merge_id: p.id }))),
      )),
    );
  }
  return decided;
}
