import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { fileSuggestions } from '../merge/suggestion-filing';
import { Customer } from '../profiles/customer.entity';
import type { Caller } from '../shared/caller';
import { customersTestDatabase } from '../test-support/database';
import { identityServices } from '../test-support/identity';

const admin: Caller = { source: 'api', sites: 'all' };

/**
 * A small base with known duplicates: a customer entered three times (one phone, typos), one twice
 * (one email), a mother and daughter sharing a phone, a pair a manager said are two people, and
 * people with nothing in common.
 */
async function seed(orm: ServiceOrm, s: ReturnType<typeof identityServices>, site: string) {
  const make = (input: Record<string, unknown>) => s.customers.create({ site, ...input }, admin);
  const volkov = [
    await make({ firstName: 'Сергей', lastName: 'Волков', phones: ['+79161000100'] }),
    await make({
      firstName: 'Сергей',
      lastName: 'Волков',
      phones: ['8 916 100-01-00'],
      emails: ['volkov@example.com'],
    }),
    await make({ firstName: 'Сергей', lastName: 'Волкоф', phones: ['+7 916 1000100'] }),
  ];
  const morozova = [
    await make({ firstName: 'Елена', lastName: 'Морозова', emails: ['e.morozova@example.com'] }),
    await make({
      firstName: 'Елена',
      lastName: 'Морозова',
      emails: ['E.Morozova@example.com'],
      phones: ['+79032000200'],
    }),
  ];
  const family = [
    await make({ firstName: 'Татьяна', lastName: 'Лебедева', phones: ['+79163000300'] }),
    await make({ firstName: 'Ксения', lastName: 'Лебедева', phones: ['+79163000300'] }),
  ];
  const apart = [
    await make({ firstName: 'Олег', lastName: 'Зайцев', phones: ['+79164000400'] }),
    await make({
      firstName: 'Олег',
      lastName: 'Зайцев',
      phones: ['+79164000400'],
      emails: ['zaitsev@example.com'],
    }),
  ];
  const names = [
    'Алексей',
    'Борис',
    'Виктор',
    'Григорий',
    'Дмитрий',
    'Евгений',
    'Жанна',
    'Зоя',
    'Илья',
    'Кирилл',
  ];
  const surnames = [
    'Андреев',
    'Богданов',
    'Васильев',
    'Гусев',
    'Дёмин',
    'Ершов',
    'Жуков',
    'Захаров',
    'Исаев',
    'Климов',
  ];
  for (let i = 0; i < 20; i++) {
    await make({
      firstName: names[i % 10],
      lastName: surnames[(i * 3 + 1) % 10],
      phones: [`+7917${String(5000000 + i * 7919).padStart(7, '0')}`],
    });
  }
  // A manager said the two Zaitsevs are two people.
  const [id] = await orm.em.fork().transactional((em) =>
    fileSuggestions(em, [
      {
        site,
        origin: 'ingestion',
        score: {
          aId: apart[0].customer.id,
          bId: apart[1].customer.id,
          weight: 20,
          probability: 1,
          decision: 'suggest',
          contradictions: [],
          contributions: [],
        },
      },
    ]),
  );
  await s.suggestions.reject(id, admin);
  return { volkov, morozova, family, apart };
}

describe('deduplication jobs, over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let s: ReturnType<typeof identityServices>;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('dedup_jobs'));
    s = identityServices(orm);
  });
  after(() => close?.());

  const live = async (ids: string[]) =>
    (await orm.em.fork().find(Customer, { id: { $in: ids } })).filter((r) => !r.mergedInto).map((r) => r.id);

  test('a job merges the clusters into their oldest profile and files the rest as suggestions', async () => {
    const base = await seed(orm, s, 'pult');
    const jobs = s.jobs();
    const started = await jobs.start('pult', {}, admin);
    assert.equal(started.status, 'running');
    await assert.rejects(jobs.start('pult', {}, admin), ConflictError, 'one running job per site');
    await jobs.settled(started.id);

    const job = await jobs.get(started.id, admin);
    assert.equal(job.status, 'completed', job.error);
    assert.equal(job.phase, 'done');
    assert.equal(job.progress.records.done, 29);
    assert.equal(job.progress.records.total, 29);
    assert.ok(job.report);
    assert.equal(job.report.merges, 2);
    assert.equal(job.report.profilesMerged, 3);
    assert.equal(job.report.clustersSkipped, 1, 'the cluster holding a rejected pair is not merged');
    assert.ok(job.report.suggestionsFiled >= 1);

    assert.deepEqual(await live(base.volkov.map((v) => v.customer.id)), [base.volkov[0].customer.id]);
    assert.deepEqual(await live(base.morozova.map((v) => v.customer.id)), [base.morozova[0].customer.id]);
    assert.equal((await live(base.family.map((v) => v.customer.id))).length, 2, 'relatives are not merged');
    assert.equal(
      (await live(base.apart.map((v) => v.customer.id))).length,
      2,
      'a rejected pair is not merged',
    );
    const survivor = await s.customers.get({ id: base.volkov[0].customer.id }, admin);
    assert.deepEqual(survivor.customer.emails, ['volkov@example.com']);

    const suggestions = await s.suggestions.list({ sites: ['pult'] }, admin);
    const pairs = suggestions.views.map((v) => [...v.customerIds].sort().join());
    assert.ok(
      pairs.includes(
        base.family
          .map((f) => f.customer.id)
          .sort()
          .join(),
      ),
      'the relatives are suggested',
    );
    assert.ok(
      !pairs.includes(
        base.apart
          .map((f) => f.customer.id)
          .sort()
          .join(),
      ),
      'the rejected pair is not',
    );
    assert.ok(suggestions.views.every((v) => v.origin === 'batch' || v.origin === 'ingestion'));

    const again = await jobs.start('pult', {}, admin);
    await jobs.settled(again.id);
    const second = await jobs.get(again.id, admin);
    assert.equal(second.status, 'completed');
    assert.equal(second.report?.merges, 0, 'a second run finds nothing new to merge');
    const listed = await jobs.list(['pult'], admin);
    assert.deepEqual(
      listed.map((j) => j.id),
      [again.id, started.id],
    );
  });

  test('a job stopped midway is taken over by another process and ends as if it had not stopped', async () => {
    const base = await seed(orm, s, 'pult-opt');
    const first = s.jobs();
    first.chunkSize = 5;
    let checkpoints = 0;
    first.events.on('checkpoint', (id: string) => {
      if (++checkpoints === 2) void first.pause(id);
    });
    const started = await first.start('pult-opt', {}, admin);
    await first.settled(started.id);
    const paused = await first.get(started.id, admin);
    assert.equal(paused.status, 'running');
    assert.equal(paused.phase, 'scanning');
    assert.equal(paused.progress.records.done, 10, 'stopped after its second checkpoint');
    assert.ok(paused.progress.rate > 0);

    const second = s.jobs();
    second.chunkSize = 5;
    assert.deepEqual(await second.takeOver(), [started.id]);
    await second.settled(started.id);
    const done = await second.get(started.id, admin);
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.runs, 2);
    assert.equal(done.report?.merges, 2);
    assert.equal(done.report?.profilesMerged, 3);
    assert.deepEqual(await live(base.volkov.map((v) => v.customer.id)), [base.volkov[0].customer.id]);
    assert.deepEqual(await second.takeOver(), [], 'nothing left to take over');
  });

  test('a cancelled job stops at its next checkpoint and keeps what it did', async () => {
    await seed(orm, s, 'minsk');
    const jobs = s.jobs();
    jobs.chunkSize = 5;
    let cancelled = false;
    jobs.events.on('checkpoint', (id: string) => {
      if (!cancelled) {
        cancelled = true;
        void jobs.cancel(id, admin);
      }
    });
    const started = await jobs.start('minsk', {}, admin);
    await jobs.settled(started.id);
    const job = await jobs.get(started.id, admin);
    assert.equal(job.status, 'cancelled');
    assert.ok(job.finishedAt);
    assert.ok(job.progress.records.done < job.progress.records.total);
    const next = await jobs.start('minsk', { autoMerge: false }, admin);
    await jobs.settled(next.id);
    const report = (await jobs.get(next.id, admin)).report!;
    assert.equal(report.merges, 0, 'without autoMerge every pair is a suggestion');
    assert.ok(report.suggestionsFiled >= 3);
  });
});

describe('deduplication jobs, their merges', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let s: ReturnType<typeof identityServices>;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('dedup_job_merges'));
    s = identityServices(orm);
  });
  after(() => close?.());

  const q = <T extends object>(sql: string, params: unknown[] = []) =>
    orm.em.fork().execute<T[]>(sql, params);
  /** A row's content as an undo must restore it: everything but the version and the time of the change. */
  const contentOf = async (ids: string[]) =>
    (await orm.em.fork().find(Customer, { id: { $in: ids } }, { orderBy: { id: 'asc' } })).map((row) => {
      const { version: _v, updatedAt: _u, ...rest } = row as Customer & Record<string, unknown>;
      return JSON.parse(JSON.stringify(rest)) as unknown;
    });
  const keysOf = (ids: string[]) =>
    q<{ customer_id: string; key: string }>(
      `select customer_id, key from customer_match_keys
       where customer_id in (select jsonb_array_elements_text(?::jsonb)::uuid) order by customer_id, key`,
      [JSON.stringify(ids)],
    );

  test('a job stopped in its merges resumes at its cursor: no cluster merged twice, none lost', async () => {
    const base = await seed(orm, s, 'pult');
    const first = s.jobs();
    first.mergeChunk = 1;
    first.events.on('checkpoint', (id: string, phase: string) => {
      if (phase === 'merging') void first.pause(id);
    });
    const started = await first.start('pult', {}, admin);
    await first.settled(started.id);
    const paused = await first.get(started.id, admin);
    assert.equal(paused.status, 'running');
    assert.equal(paused.phase, 'merging');
    assert.deepEqual(paused.progress.clusters, { done: 1, total: 3 }, 'stopped after one chunk of merges');
    assert.equal(paused.merges, 1);
    assert.ok(paused.progress.rate > 0);

    const second = s.jobs();
    second.mergeChunk = 1;
    assert.deepEqual(await second.takeOver(), [started.id]);
    await second.settled(started.id);
    const done = await second.get(started.id, admin);
    assert.equal(done.status, 'completed', done.error);
    assert.equal(done.report?.merges, 2);
    assert.equal(done.report?.profilesMerged, 3);
    assert.equal(done.report?.clustersSkipped, 1);
    const records = await q<{ survivor_id: string; n: number }>(
      `select survivor_id, count(*)::int as n from customer_merges where job_id = ? group by survivor_id order by 1`,
      [started.id],
    );
    assert.deepEqual(
      records.map((r) => [r.survivor_id, r.n]),
      [base.volkov[0].customer.id, base.morozova[0].customer.id].sort().map((id) => [id, 1]),
      'one merge record per cluster',
    );
    const events = await q<{ n: number }>(
      `select count(*)::int as n from outbox_message where event_type = 'customer.merged'
       and envelope->'payload'->>'mergeId' in (select id::text from customer_merges where job_id = ?)`,
      [started.id],
    );
    assert.equal(events[0].n, 2, 'one customer.merged per merge');
  });

  test('a chunk whose write fails is rolled back whole; the chunks before it stay merged', async () => {
    const base = await seed(orm, s, 'pult-opt');
    const failing = base.morozova[0].customer.id;
    await q(
      `create function test_fail_merge() returns trigger language plpgsql as $$
       begin
         if new.customer_id = '${failing}' then raise exception 'injected failure'; end if;
         return new;
       end $$`,
    );
    await q(
      `create trigger test_fail_merge before insert on customer_history
       for each row execute function test_fail_merge()`,
    );
    const morozova = base.morozova.map((m) => m.customer.id);
    const before = await contentOf(morozova);
    const versions = await q<{ version: string }>(
      `select version from customers where id in (?, ?) order by id`,
      morozova,
    );
    try {
      const jobs = s.jobs();
      jobs.mergeChunk = 1;
      const started = await jobs.start('pult-opt', {}, admin);
      await jobs.settled(started.id);
      const failed = await jobs.get(started.id, admin);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /injected failure/);
      assert.deepEqual(failed.progress.clusters, { done: 1, total: 3 });
      assert.equal(failed.merges, 1, 'the first chunk stays merged');
      const volkov = base.volkov.map((v) => v.customer.id);
      assert.equal((await orm.em.fork().find(Customer, { id: { $in: volkov }, mergedInto: null })).length, 1);

      assert.deepEqual(await contentOf(morozova), before, 'nothing of the failed chunk is left');
      assert.deepEqual(
        await q(`select version from customers where id in (?, ?) order by id`, morozova),
        versions,
      );
      const [left] = await q<{ merges: number; history: number; events: number }>(
        `select (select count(*)::int from customer_merges where survivor_id = ?) as merges,
           (select count(*)::int from customer_history where customer_id in (?, ?) and field in ('merge', 'mergedInto')) as history,
           (select count(*)::int from outbox_message where event_type = 'customer.merged' and message_key = ?) as events`,
        [failing, ...morozova, failing],
      );
      assert.deepEqual(left, { merges: 0, history: 0, events: 0 });
    } finally {
      await q(`drop trigger test_fail_merge on customer_history`);
      await q(`drop function test_fail_merge`);
    }
    const again = s.jobs();
    const next = await again.start('pult-opt', {}, admin);
    await again.settled(next.id);
    const report = (await again.get(next.id, admin)).report!;
    assert.equal(report.merges, 1, 'the next job merges what the failed chunk did not');
  });

  test('a merge a job made undoes exactly', async () => {
    const base = await seed(orm, s, 'minsk');
    const all = Object.values(base).flatMap((group) => group.map((v) => v.customer.id));
    const before = new Map((await contentOf(all)).map((c, i) => [[...all].sort()[i], c]));
    const keys = await keysOf(all);
    const jobs = s.jobs();
    const started = await jobs.start('minsk', {}, admin);
    await jobs.settled(started.id);
    const [merge] = await q<{ id: string; survivor_id: string; merged_ids: string[] }>(
      `select id, survivor_id, merged_ids from customer_merges where job_id = ? order by created_at limit 1`,
      [started.id],
    );
    const ids = [merge.survivor_id, ...merge.merged_ids].sort();
    const view = await s.merges.get(merge.id, admin);
    assert.deepEqual([view.origin, view.jobId, view.undoable], ['batch', started.id, true]);

    await s.merges.undo(merge.id, admin);
    assert.deepEqual(
      await contentOf(ids),
      ids.map((id) => before.get(id)),
      'every profile back as it was',
    );
    assert.deepEqual(
      await keysOf(ids),
      keys.filter((k) => ids.includes(k.customer_id)),
      'and matched by its keys again',
    );
  });
});
