import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  ValidationError,
  newId,
} from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import type { Caller } from '../shared/caller';
import { customersTestDatabase } from '../test-support/database';
import { testReferenceDataProvider } from '../test-support/reference-data';
import { TestClock, insertCustomers } from '../test-support/segments';
import { SegmentWorker } from './segment-worker';
import { SegmentsService } from './segments.service';

const admin: Caller = { source: 'api', sites: 'all' };
const pultOnly: Caller = { source: 'api', sites: ['pult'] };
const minskOnly: Caller = { source: 'api', sites: ['minsk'] };

async function rejectsWith<E extends Error>(
  promise: Promise<unknown>,
  type: new (...args: never[]) => E,
  check?: (e: E) => void,
) {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    check?.(e);
    return true;
  });
}

describe('SegmentsService over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let segments: SegmentsService;
  let woken = 0;
  const compute = () =>
    new SegmentWorker(orm, { pollMs: 10, timeCheckMs: 60_000, clock: new TestClock(new Date()) }).runOnce();

  before(async () => {
    ({ orm, close } = await customersTestDatabase('segments_service'));
    segments = new SegmentsService(orm, testReferenceDataProvider(), { wake: () => woken++ });
  });
  after(() => close?.());

  test('a save names every bad field, and an unknown site', async () => {
    await rejectsWith(
      segments.create({ code: 'X', filter: { ordersCount: { min: 3, max: 1 } } }, admin),
      ValidationError,
      (e) =>
        assert.deepEqual(
          e.violations.map((v) => v.field),
          ['code', 'name', 'filter.ordersCount.max'],
        ),
    );
    await rejectsWith(
      segments.create({ code: 'x', name: 'X', site: 'nowhere' }, admin),
      ValidationError,
      (e) => assert.deepEqual(e.violations, [{ field: 'site', reason: "unknown site 'nowhere'" }]),
    );
  });

  test('a code is taken once; a saved segment wakes the worker', async () => {
    const before = woken;
    const view = await segments.create({ code: 'once', name: 'Once', site: 'pult' }, admin);
    assert.equal(woken, before + 1);
    assert.deepEqual(
      { ...view, id: undefined, createdAt: undefined, updatedAt: undefined },
      {
        id: undefined,
        code: 'once',
        name: 'Once',
        site: 'pult',
        filter: {},
        version: 1,
        createdAt: undefined,
        updatedAt: undefined,
        membership: { state: 'computing', evaluated: 0 },
      },
    );
    await rejectsWith(segments.create({ code: 'once', name: 'Again' }, admin), ConflictError);
  });

  test("site scope: a site's segment is another site's NOT_FOUND; every site's needs a key for every site", async () => {
    await segments.create({ code: 'pult-only', name: 'P', site: 'pult' }, pultOnly);
    await rejectsWith(segments.create({ code: 'every', name: 'E' }, pultOnly), PermissionDeniedError);
    await rejectsWith(
      segments.create({ code: 'minsk-x', name: 'M', site: 'minsk' }, pultOnly),
      PermissionDeniedError,
    );
    await rejectsWith(segments.get('pult-only', minskOnly), NotFoundError);
    await rejectsWith(segments.update('pult-only', { name: 'x' }, minskOnly), NotFoundError);
    await segments.create({ code: 'everywhere', name: 'All' }, admin);
    assert.equal((await segments.get('everywhere', minskOnly)).code, 'everywhere', 'readable by any key');
    await rejectsWith(segments.update('everywhere', { name: 'x' }, minskOnly), PermissionDeniedError);
    const listed = (await segments.list({}, minskOnly)).segments.map((s) => s.code);
    assert.ok(listed.includes('everywhere') && !listed.includes('pult-only'));
    await rejectsWith(segments.list({ sites: ['pult'] }, minskOnly), ValidationError);
  });

  test('an edit: validated, at the expected version, a no-op when nothing changes', async () => {
    await segments.create({ code: 'edited', name: 'E', filter: { vip: true } }, admin);
    await rejectsWith(segments.update('edited', { filter: { vip: 'yes' } }, admin), ValidationError, (e) =>
      assert.deepEqual(
        e.violations.map((v) => v.field),
        ['filter.vip'],
      ),
    );
    await rejectsWith(segments.update('edited', { name: 'x' }, admin, 7), ConflictError);
    assert.equal(
      (await segments.update('edited', { name: 'E', filter: { vip: true } }, admin, 1)).version,
      1,
    );
    assert.equal((await segments.update('edited', { name: 'E2' }, admin, 1)).version, 2);
    await rejectsWith(segments.update('missing', { name: 'x' }, admin), NotFoundError);
  });

  test('lists page in creation order', async () => {
    for (let i = 0; i < 5; i++)
      await segments.create({ code: `paged-${i}`, name: `P${i}`, site: 'minsk' }, admin);
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await segments.list({ sites: ['minsk'], pageSize: 2, pageToken }, admin);
      seen.push(...page.segments.map((s) => s.code));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.deepEqual(
      seen.filter((c) => c.startsWith('paged-')),
      ['paged-0', 'paged-1', 'paged-2', 'paged-3', 'paged-4'],
    );
    assert.ok(seen.includes('everywhere'), 'segments of every site come with any site');
    assert.ok(!seen.includes('pult-only'));
  });

  test("members: paged in the order they entered, only the caller's sites; a customer's segments", async () => {
    const pult = await insertCustomers(
      orm,
      Array.from({ length: 5 }, () => ({ tags: ['m'] })),
    );
    const [minsk] = await insertCustomers(orm, [{ site: 'minsk', tags: ['m'] }]);
    await segments.create({ code: 'members', name: 'Members', filter: { tags: { any: ['m'] } } }, admin);
    await compute();
    const all: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await segments.members('members', { pageSize: 2, pageToken }, admin);
      all.push(...page.members.map((m) => m.customerId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.deepEqual([...all].sort(), [...pult, minsk].sort());
    assert.deepEqual(
      (await segments.members('members', {}, minskOnly)).members.map((m) => m.customerId),
      [minsk],
    );
    assert.equal((await segments.get('members', minskOnly)).membership.members, 1);
    await rejectsWith(segments.members('members', { pageSize: 5000 }, admin), ValidationError);

    const own = await segments.customerSegments(minsk, minskOnly);
    assert.deepEqual(own.map((s) => s.code).sort(), [
      'everywhere',
      'members',
      'paged-0',
      'paged-1',
      'paged-2',
      'paged-3',
      'paged-4',
    ]);
    await rejectsWith(segments.customerSegments(minsk, pultOnly), NotFoundError);
    await rejectsWith(segments.customerSegments(newId(), admin), NotFoundError);
    await rejectsWith(segments.customerSegments('nope', admin), ValidationError);
  });
});
