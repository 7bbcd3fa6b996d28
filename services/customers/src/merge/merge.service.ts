import { Inject, Injectable } from '@nestjs/common';
import { LockMode, MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import {
  CustomerMergeUndoneV1,
  NotFoundError,
  PreconditionError,
  ValidationError,
  type EventDefinition,
} from '@openretail/contracts';
import { recordEvent, recordEvents } from '@openretail/messaging';
import { recordHistory } from '../history/history-rows';
import { diffStates, type HistoryChange } from '../history/history';
import { indexProfile } from '../identity/match-index';
import { refreshCustomers } from '../metrics/customer-refresh';
import { emitOrderLinked } from '../identity/identity-resolution';
import { actorOf, customerEventsOf, customerSummary, EVENT_SOURCE } from '../profiles/customer-events';
import { stateOf, viewOf } from '../profiles/customer-rows';
import { CUSTOMER_DIFF, type CustomerState, type CustomerView } from '../profiles/customer-state';
import { Customer } from '../profiles/customer.entity';
import { REFERENCE_DATA, type ReferenceDataProvider } from '../reference-data/customer-reference-data';
import { canAccessSite, type Caller } from '../shared/caller';
import { checkUuid } from '../shared/requests';
import { CustomerMerge, type MergeOrigin, type MergeSnapshot } from './customer-merge.entity';
import { valuesOfSnapshot } from './customer-snapshots';
import { checkMergeable, MAX_MERGE_SIZE, oldest, planMerge } from './merge-plan';
import { writeMerges } from './merge-writes';

export interface MergeRequest {
  /** Every profile of the merge, the survivor included. */
  customerIds: readonly string[];
  /** Default: the oldest profile. */
  survivorId?: string;
  origin: MergeOrigin;
  suggestionId?: string;
  jobId?: string;
}

export interface MergeView {
  id: string;
  site: string;
  survivorId: string;
  mergedIds: string[];
  origin: MergeOrigin;
  suggestionId?: string;
  jobId?: string;
  /** What the merge changed on the survivor (history paths). */
  changedFields: string[];
  /** Orders moved to the survivor. */
  orderIds: string[];
  createdAt: Date;
  createdBy?: string;
  source: string;
  undoneAt?: Date;
  undoneBy?: string;
  /** Whether it can be undone now, and if not why. */
  undoable: boolean;
  notUndoableReason?: string;
  /** The survivor as it is now. */
  survivor?: CustomerView;
}

/**
 * Merges profiles into a survivor (RetailCRM customers/combine; the rules are in merge-rules.ts) and
 * undoes merges. One transaction each: the profiles locked (in id order), the survivor's new state,
 * the merged profiles as tombstones (merged_into), their notes, contact persons and order links
 * moved, the suggestions inside the merge accepted, the match keys, the history of every profile,
 * the merge record with everything it changed as it was, and the events: customer.updated of the
 * survivor, customer.merged, and a customer.order-linked per order moved. A merge is planned
 * (merge-plan.ts) and written (merge-writes.ts) as a deduplication job's chunk of merges is: one
 * plan written alone.
 */
@Injectable()
export class MergeService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
  ) {}

  async merge(
    request: { customerIds: readonly string[]; survivorId?: string },
    caller: Caller,
  ): Promise<MergeView> {
    return this.orm.em
      .fork()
      .transactional((em) => this.mergeIn(em, { ...request, origin: 'manual' }, caller));
  }

  /** The merge in the caller's transaction (accepting a suggestion, a deduplication job). */
  async mergeIn(em: EntityManager, request: MergeRequest, caller: Caller): Promise<MergeView> {
    const ids = [...new Set(request.customerIds.map((id, i) => checkUuid(id, `customerIds[${i}]`)))];
    if (ids.length < 2) throw ValidationError.field('customerIds', 'name at least two different customers');
    if (ids.length > MAX_MERGE_SIZE) {
      throw ValidationError.field('customerIds', `at most ${MAX_MERGE_SIZE} customers are merged at once`);
    }
    const survivorId = request.survivorId ? checkUuid(request.survivorId, 'survivorId') : undefined;
    if (survivorId && !ids.includes(survivorId)) {
      throw ValidationError.field('survivorId', 'must be one of customerIds');
    }
    const rows = await this.lockProfiles(em, ids, caller);
    checkMergeable(rows);
    const survivor = survivorId ? rows.find((r) => r.id === survivorId)! : oldest(rows);
    const plan = planMerge(
      em,
      rows,
      survivor,
      {
        origin: request.origin,
        ...(request.suggestionId ? { suggestionId: request.suggestionId } : {}),
        ...(request.jobId ? { jobId: request.jobId } : {}),
      },
      new Date(),
    );
    const [merge] = await writeMerges(em, [plan], caller, await this.referenceData.get());
    // The rows were written by statements: the unit of work has them as they were.
    for (const row of rows) await em.refresh(row);
    return { ...mergeViewOf(merge.record), undoable: true, survivor: viewOf(survivor) };
  }

  /**
   * Undoes a merge: every profile back as it was before it (the version goes on), the notes,
   * contact persons, order links and suggestions it moved or decided back, the note it wrote
   * removed. Refused (412) once the survivor changed after the merge, or a later merge involves its
   * profiles (undo that one first): the merge record would no longer say what to put back.
   */
  async undo(mergeId: string, caller: Caller): Promise<MergeView> {
    const id = checkUuid(mergeId, 'mergeId');
    return this.orm.em.fork().transactional(async (em) => {
      const merge = await em.findOne(CustomerMerge, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!merge || !canAccessSite(caller, merge.site)) throw new NotFoundError(`merge ${id} not found`);
      const ids = [merge.survivorId, ...merge.mergedIds];
      const rows = await this.lockProfiles(em, ids, caller);
      const reason = await this.notUndoable(em, merge, rows);
      if (reason) throw new PreconditionError(reason);

      const now = new Date();
      const ref = await this.referenceData.get();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const survivor = byId.get(merge.survivorId)!;
      const snapshots = new Map(merge.snapshot.customers.map((s) => [s.id as string, s]));
      const restoredStates: CustomerState[] = [];
      // The survivor first: it gives back an externalId it took from a merged profile.
      let survivorChanges: HistoryChange[] = [];
      let survivorBefore: CustomerState | undefined;
      for (const profileId of ids) {
        const row = byId.get(profileId)!;
        const current = stateOf(row);
        const version = row.version + 1;
        em.assign(row, { ...valuesOfSnapshot(em, snapshots.get(profileId)!), version, updatedAt: now });
        await em.flush();
        const restored = stateOf(row);
        const changes = diffStates(current, restored, CUSTOMER_DIFF);
        if (row === survivor) {
          survivorBefore = current;
          survivorChanges = changes;
          changes.push({ field: 'mergeUndone', oldValue: null, newValue: { mergeId: merge.id } });
        } else {
          changes.push({ field: 'mergedInto', oldValue: merge.survivorId, newValue: null });
          restoredStates.push(restored);
        }
        recordHistory(em, { id: row.id, site: row.site, kind: 'individual', version }, changes, caller, now);
        await indexProfile(em, restored, ref);
      }

      const { snapshot } = merge;
      if (snapshot.notes.length) {
        await em.execute(
          `update customer_notes n set customer_id = v.customer_id
           from jsonb_to_recordset(?::jsonb) as v(id uuid, customer_id uuid) where n.id = v.id`,
          [JSON.stringify(snapshot.notes.map((n) => ({ id: n.id, customer_id: n.customerId })))],
        );
      }
      if (snapshot.createdNoteId)
        await em.execute(`delete from customer_notes where id = ?`, [snapshot.createdNoteId]);
      await this.restoreContactPersons(em, snapshot.contactPersons, merge.survivorId);
      const restoredLinks = snapshot.links.length
        ? await em.execute<{ orderId: string; customerId: string }[]>(
            `update customer_order_links l set customer_id = v.customer_id, updated_at = ?
             from jsonb_to_recordset(?::jsonb) as v(order_id uuid, customer_id uuid)
             where l.order_id = v.order_id and l.customer_id = ?
             returning l.order_id as "orderId", l.customer_id as "customerId"`,
            [
              now,
              JSON.stringify(snapshot.links.map((l) => ({ order_id: l.orderId, customer_id: l.customerId }))),
              merge.survivorId,
            ],
          )
        : [];
      restoredLinks.sort((x, y) => (x.orderId < y.orderId ? -1 : 1));
      if (snapshot.suggestions.length) {
        await em.execute(
          `update customer_match_suggestions s set status = v.status, decided_by = v.decided_by,
             decided_at = v.decided_at, merge_id = v.merge_id, updated_at = ?
           from jsonb_to_recordset(?::jsonb) as v(id uuid, status text, decided_by text, decided_at timestamptz, merge_id uuid)
           where s.id = v.id`,
          [
            now,
            JSON.stringify(
              snapshot.suggestions.map((s) => ({
                id: s.id,
                status: s.status,
                decided_by: s.decidedBy ?? null,
                decided_at: s.decidedAt ?? null,
                merge_id: s.mergeId ?? null,
              })),
            ),
          ],
        );
      }
      em.assign(merge, { undoneAt: now, undoneBy: caller.userId ?? null } as Partial<CustomerMerge>);
      await em.flush();
      await refreshCustomers(em, ids, now);
      for (const row of rows) await em.refresh(row);

      const survivorState = stateOf(survivor);
      const realChanges = survivorChanges.filter((c) => c.field !== 'mergeUndone');
      if (realChanges.length > 0 && survivorBefore) {
        await recordEvents(
          em,
          customerEventsOf(
            { before: survivorBefore, after: survivorState, noop: false, history: realChanges },
            caller,
            survivor.version,
          ),
        );
      }
      await recordEvent(
        em,
        CustomerMergeUndoneV1 as EventDefinition<unknown>,
        CustomerMergeUndoneV1.create(
          {
            customer: customerSummary(survivorState, survivor.version),
            actor: actorOf(caller),
            mergeId: merge.id,
            survivorId: merge.survivorId,
            restored: restoredStates.map((s) => customerSummary(s, byId.get(s.id)!.version)),
            restoredOrders: restoredLinks,
          },
          { source: EVENT_SOURCE, aggregateId: merge.survivorId, occurredAt: now },
        ),
      );
      for (const link of restoredLinks) {
        await emitOrderLinked(em, {
          orderId: link.orderId,
          site: merge.site,
          customerId: link.customerId,
          previousCustomerId: merge.survivorId,
          decision: 'merge-undone',
          mergeId: merge.id,
          caller,
          at: now,
        });
      }
      return {
        ...mergeViewOf(merge),
        undoable: false,
        notUndoableReason: 'undone already',
        survivor: viewOf(survivor),
      };
    });
  }

  async get(mergeId: string, caller: Caller): Promise<MergeView> {
    const id = checkUuid(mergeId, 'mergeId');
    const em = this.orm.em.fork();
    const merge = await em.findOne(CustomerMerge, { id });
    if (!merge || !canAccessSite(caller, merge.site)) throw new NotFoundError(`merge ${id} not found`);
    const rows = await em.find(Customer, { id: { $in: [merge.survivorId, ...merge.mergedIds] } });
    const reason = await this.notUndoable(em, merge, rows);
    const survivor = rows.find((r) => r.id === merge.survivorId);
    return {
      ...mergeViewOf(merge),
      undoable: reason === undefined,
      ...(reason ? { notUndoableReason: reason } : {}),
      ...(survivor ? { survivor: viewOf(survivor) } : {}),
    };
  }

  /** Why the merge cannot be undone now, or undefined when it can. */
  private async notUndoable(
    em: EntityManager,
    merge: CustomerMerge,
    rows: Customer[],
  ): Promise<string | undefined> {
    if (merge.undoneAt) return `merge ${merge.id} was undone already`;
    const survivor = rows.find((r) => r.id === merge.survivorId);
    const [later] = await em.execute<{ id: string }[]>(
      `select id from customer_merges
       where id <> ? and undone_at is null and created_at >= ?
         and (survivor_id = any(?::uuid[]) or merged_ids && ?::text[])
       order by created_at limit 1`,
      [
        merge.id,
        merge.createdAt,
        pgArray([merge.survivorId, ...merge.mergedIds]),
        pgArray([merge.survivorId, ...merge.mergedIds]),
      ],
    );
    if (later) return `a later merge (${later.id}) involves these customers: undo that one first`;
    if (!survivor || survivor.version !== merge.survivorVersion) {
      return (
        `customer ${merge.survivorId} changed after the merge (version ${merge.survivorVersion} then, ` +
        `${survivor?.version ?? 'none'} now): a merge is undone only while the survivor is as the merge left it`
      );
    }
    return undefined;
  }

  /** The profiles locked in id order; NotFound for any missing or on a site the caller may not see. */
  private async lockProfiles(em: EntityManager, ids: readonly string[], caller: Caller): Promise<Customer[]> {
    const rows = await em.find(
      Customer,
      { id: { $in: [...ids] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } },
    );
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (!row || !canAccessSite(caller, row.site)) throw new NotFoundError(`customer ${id} not found`);
    }
    return rows;
  }

  private async restoreContactPersons(
    em: EntityManager,
    moved: MergeSnapshot['contactPersons'],
    survivorId: string,
  ): Promise<void> {
    for (const { row, dropped } of moved) {
      if (!dropped) {
        await em.execute(
          `update corporate_contacts set customer_id = ? where corporate_customer_id = ? and customer_id = ?`,
          [row.customer_id, row.corporate_customer_id, survivorId],
        );
      }
      await em.execute(
        `insert into corporate_contacts select * from jsonb_populate_record(null::corporate_contacts, ?::jsonb)
         on conflict do nothing`,
        [JSON.stringify(row)],
      );
    }
  }
}

function mergeViewOf(m: CustomerMerge): Omit<MergeView, 'undoable'> {
  return {
    id: m.id,
    site: m.site,
    survivorId: m.survivorId,
    mergedIds: [...m.mergedIds],
    origin: m.origin,
    ...(m.suggestionId ? { suggestionId: m.suggestionId } : {}),
    ...(m.jobId ? { jobId: m.jobId } : {}),
    changedFields: [...m.changedFields],
    orderIds: m.snapshot.links.map((l) => l.orderId),
    createdAt: m.createdAt,
    ...(m.createdBy ? { createdBy: m.createdBy } : {}),
    source: m.source,
    ...(m.undoneAt ? { undoneAt: m.undoneAt } : {}),
    ...(m.undoneBy ? { undoneBy: m.undoneBy } : {}),
  };
}

/** A PostgreSQL array literal of UUIDs (which need no quoting). */
function pgArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}
