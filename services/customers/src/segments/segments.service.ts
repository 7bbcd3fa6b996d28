import { Inject, Injectable, Optional } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
  newId,
  parseInput,
  segmentInputSchema,
  segmentUpdateSchema,
  timeDependentDays,
  type SegmentFilter,
} from '@openretail/contracts';
import {
  REFERENCE_DATA,
  unknownSite,
  type ReferenceDataProvider,
} from '../reference-data/customer-reference-data';
import { canAccessSite, type Caller } from '../shared/caller';
import { checkPageSize, checkUuid, decodePageToken, encodePageToken } from '../shared/requests';

export const SEGMENT_WORK = Symbol('SEGMENT_WORK');

/** The worker that computes memberships: told when a save left work for it. */
export interface SegmentWork {
  wake(): void;
}

export interface SegmentView {
  id: string;
  code: string;
  name: string;
  /** Absent: every site. */
  site?: string;
  filter: SegmentFilter;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  membership: {
    /** computing: the pass over the whole base for this version is running; current: done. */
    state: 'computing' | 'current';
    /** Customers the running pass has evaluated. */
    evaluated: number;
    /** Members the caller may see; given by get. */
    members?: number;
  };
}

export interface SegmentMemberView {
  customerId: string;
  site: string;
  enteredAt: Date;
}

export interface CustomerSegmentView {
  segmentId: string;
  code: string;
  name: string;
  enteredAt: Date;
}

interface SegmentRow {
  id: string;
  code: string;
  name: string;
  site: string | null;
  filter: SegmentFilter;
  version: string | number;
  created_at: Date;
  updated_at: Date;
  membership_version: string | number;
  rebuild_processed: string | number;
}

const SEGMENT_COLUMNS = `id, code, name, site, filter, version, created_at, updated_at, membership_version,
  rebuild_processed`;

function viewOf(row: SegmentRow, members?: number): SegmentView {
  const current = Number(row.membership_version) >= Number(row.version);
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    ...(row.site ? { site: row.site } : {}),
    filter: row.filter,
    version: Number(row.version),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    membership: {
      state: current ? 'current' : 'computing',
      evaluated: current ? 0 : Number(row.rebuild_processed),
      ...(members !== undefined ? { members } : {}),
    },
  };
}

/** The caller's sites as SQL: `column` in them, or true for a key of every site. */
function siteScope(caller: Caller, column: string): { sql: string; params: unknown[] } {
  if (caller.sites === 'all') return { sql: 'true', params: [] };
  return {
    sql: `${column} in (select jsonb_array_elements_text(?::jsonb))`,
    params: [JSON.stringify(caller.sites)],
  };
}

/**
 * Segments as data: saved after validation, their membership computed by the segment worker (over
 * the whole base after a save) and kept current by the metrics consumer (as customers change).
 *
 * A segment of one site is seen and changed only with a key for that site (others get NOT_FOUND);
 * a segment of every site is changed only with a key for every site, and seen by any key, whose
 * member lists then hold only customers of its own sites.
 */
@Injectable()
export class SegmentsService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataProvider,
    @Optional() @Inject(SEGMENT_WORK) private readonly work?: SegmentWork,
  ) {}

  async create(input: unknown, caller: Caller): Promise<SegmentView> {
    const segment = parseInput(segmentInputSchema, input);
    if (segment.site) {
      const ref = await this.referenceData.get();
      if (!ref.siteCodes.includes(segment.site)) throw unknownSite(segment.site);
    }
    this.checkWrite(caller, segment.site);
    const now = new Date();
    const em = this.orm.em.fork();
    const [row] = await em.execute<SegmentRow[]>(
      `insert into segments (id, code, name, site, filter, version, time_dependent, created_at, updated_at,
         membership_version, rebuild_after, rebuild_processed, time_evaluated_at)
       values (?, ?, ?, ?, ?::jsonb, 1, ?, ?, ?, 0, null, 0, null)
       on conflict (code) do nothing
       returning ${SEGMENT_COLUMNS}`,
      [
        newId(),
        segment.code,
        segment.name,
        segment.site ?? null,
        JSON.stringify(segment.filter),
        timeDependentDays(segment.filter).length > 0,
        now,
        now,
      ],
    );
    if (!row) throw new ConflictError(`segment code '${segment.code}' is taken`);
    this.work?.wake();
    return viewOf(row);
  }

  /**
   * Renames a segment or replaces its filter. A new filter makes the worker recompute the whole
   * membership; until it is done, members are those of the old filter, each re-evaluated with the
   * new one as the pass or a change of the customer reaches it.
   */
  async update(code: string, input: unknown, caller: Caller, expectedVersion?: number): Promise<SegmentView> {
    const change = parseInput(segmentUpdateSchema, input);
    const view = await this.orm.em.fork().transactional(async (em) => {
      const row = await this.load(em, code, caller, true);
      this.checkWrite(caller, row.site ?? undefined);
      if (expectedVersion !== undefined && expectedVersion !== Number(row.version)) {
        throw new ConflictError(`segment '${code}' is at version ${row.version}, not ${expectedVersion}`);
      }
      const filterChanged =
        change.filter !== undefined && JSON.stringify(change.filter) !== JSON.stringify(row.filter);
      const nameChanged = change.name !== undefined && change.name !== row.name;
      if (!filterChanged && !nameChanged) return viewOf(row);
      const version = Number(row.version) + 1;
      const filter = filterChanged ? change.filter! : row.filter;
      // A rename leaves a computed membership current; a new filter starts a new pass.
      const membershipVersion =
        !filterChanged && Number(row.membership_version) >= Number(row.version)
          ? version
          : Number(row.membership_version);
      const [updated] = await em.execute<SegmentRow[]>(
        `update segments set name = ?, filter = ?::jsonb, version = ?, time_dependent = ?, updated_at = ?,
           membership_version = ?,
           rebuild_after = case when ? then null else rebuild_after end,
           rebuild_processed = case when ? then 0 else rebuild_processed end
         where id = ? returning ${SEGMENT_COLUMNS}`,
        [
          change.name ?? row.name,
          JSON.stringify(filter),
          version,
          timeDependentDays(filter).length > 0,
          new Date(),
          membershipVersion,
          filterChanged,
          filterChanged,
          row.id,
        ],
      );
      return viewOf(updated);
    });
    if (view.membership.state === 'computing') this.work?.wake();
    return view;
  }

  /** One segment, with how many members the caller may see. */
  async get(code: string, caller: Caller): Promise<SegmentView> {
    const em = this.orm.em.fork();
    const row = await this.load(em, code, caller, false);
    const scope = siteScope(caller, 'site');
    const [{ n }] = await em.execute<{ n: string | number }[]>(
      `select count(*) as n from segment_members where segment_id = ? and ${scope.sql}`,
      [row.id, ...scope.params],
    );
    return viewOf(row, Number(n));
  }

  /** The segments the caller may see, oldest first; `sites` narrows to those sites' segments and all-sites ones. */
  async list(
    query: { sites?: readonly string[]; pageSize?: number; pageToken?: string },
    caller: Caller,
  ): Promise<{ segments: SegmentView[]; nextPageToken?: string }> {
    const pageSize = checkPageSize(query.pageSize, 50, 200, 'pageSize');
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.sites?.length) {
      const denied = query.sites.filter((s) => !canAccessSite(caller, s));
      if (denied.length > 0)
        throw ValidationError.field('sites', `no access to site(s) ${denied.join(', ')}`);
      where.push('(site is null or site in (select jsonb_array_elements_text(?::jsonb)))');
      params.push(JSON.stringify(query.sites));
    } else {
      const scope = siteScope(caller, 'site');
      where.push(`(site is null or ${scope.sql})`);
      params.push(...scope.params);
    }
    if (query.pageToken) {
      const after = decodePageToken(query.pageToken);
      where.push('(created_at, id) > (?, ?)');
      params.push(after.at, after.id);
    }
    const rows = await this.orm.em.fork().execute<SegmentRow[]>(
      `select ${SEGMENT_COLUMNS} from segments where ${where.join(' and ')}
         order by created_at, id limit ?`,
      [...params, pageSize + 1],
    );
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      segments: page.map((r) => viewOf(r)),
      ...(rows.length > pageSize
        ? { nextPageToken: encodePageToken(new Date(last.created_at), last.id) }
        : {}),
    };
  }

  /** The members the caller may see, in the order they entered. */
  async members(
    code: string,
    query: { pageSize?: number; pageToken?: string },
    caller: Caller,
  ): Promise<{ members: SegmentMemberView[]; nextPageToken?: string }> {
    const pageSize = checkPageSize(query.pageSize, 100, 1000, 'pageSize');
    const em = this.orm.em.fork();
    const segment = await this.load(em, code, caller, false);
    const scope = siteScope(caller, 'site');
    const where = ['segment_id = ?', scope.sql];
    const params: unknown[] = [segment.id, ...scope.params];
    if (query.pageToken) {
      const after = decodePageToken(query.pageToken);
      where.push('(entered_at, customer_id) > (?, ?)');
      params.push(after.at, after.id);
    }
    const rows = await em.execute<{ customer_id: string; site: string; entered_at: Date }[]>(
      `select customer_id, site, entered_at from segment_members where ${where.join(' and ')}
       order by entered_at, customer_id limit ?`,
      [...params, pageSize + 1],
    );
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      members: page.map((r) => ({
        customerId: r.customer_id,
        site: r.site,
        enteredAt: new Date(r.entered_at),
      })),
      ...(rows.length > pageSize
        ? { nextPageToken: encodePageToken(new Date(last.entered_at), last.customer_id) }
        : {}),
    };
  }

  /** The segments a customer is in, in the order it entered them. */
  async customerSegments(customerId: string, caller: Caller): Promise<CustomerSegmentView[]> {
    const id = checkUuid(customerId, 'customerId');
    const em = this.orm.em.fork();
    const [customer] = await em.execute<{ site: string }[]>('select site from customers where id = ?', [id]);
    if (!customer || !canAccessSite(caller, customer.site))
      throw new NotFoundError(`customer ${id} not found`);
    const rows = await em.execute<{ id: string; code: string; name: string; entered_at: Date }[]>(
      `select s.id, s.code, s.name, m.entered_at from segment_members m join segments s on s.id = m.segment_id
       where m.customer_id = ? order by m.entered_at, s.code`,
      [id],
    );
    return rows.map((r) => ({
      segmentId: r.id,
      code: r.code,
      name: r.name,
      enteredAt: new Date(r.entered_at),
    }));
  }

  private async load(em: EntityManager, code: string, caller: Caller, lock: boolean): Promise<SegmentRow> {
    const [row] = await em.execute<SegmentRow[]>(
      `select ${SEGMENT_COLUMNS} from segments where code = ?${lock ? ' for update' : ''}`,
      [code],
    );
    if (!row || (row.site && !canAccessSite(caller, row.site)))
      throw new NotFoundError(`segment '${code}' not found`);
    return row;
  }

  private checkWrite(caller: Caller, site: string | undefined) {
    if (site ? !canAccessSite(caller, site) : caller.sites !== 'all') {
      throw new PermissionDeniedError(
        site ? `no access to site ${site}` : 'a segment of every site needs a key for every site',
      );
    }
  }
}
