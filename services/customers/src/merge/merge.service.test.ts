import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, PreconditionError, ValidationError, type EventEnvelope } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { CustomerOrderLink } from '../identity/order-link.entity';
import { CustomerNotesService } from '../notes/customer-notes.service';
import { stateOf } from '../profiles/customer-rows';
import { Customer } from '../profiles/customer.entity';
import type { Caller } from '../shared/caller';
import { customersTestDatabase, outboxOf } from '../test-support/database';
import { identityServices, orderCreated } from '../test-support/identity';

const manager: Caller = { source: 'manager', userId: 'u-1', sites: ['pult'] };
const admin: Caller = { source: 'api', sites: 'all' };

describe('merge, undo and suggestions, over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let s: ReturnType<typeof identityServices>;
  let notes: CustomerNotesService;
  const ingest = (event: EventEnvelope) =>
    orm.em.fork().transactional((em) => s.resolver.onOrderCreated(event, em));
  const orderOf = (event: EventEnvelope) => (event.payload as { orderId: string }).orderId;
  const rowsOf = (ids: string[]) =>
    orm.em.fork().find(Customer, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
  const keysOf = async (id: string) =>
    (
      await orm.em
        .fork()
        .execute<{ key: string }[]>(
          'select key from customer_match_keys where customer_id = ? order by key',
          [id],
        )
    ).map((r) => r.key);
  /** A row's content as an undo must restore it: everything but the version and the time of the change. */
  const content = (row: Customer) => {
    const { version: _v, updatedAt: _u, ...rest } = row as Customer & Record<string, unknown>;
    return JSON.parse(JSON.stringify(rest)) as unknown;
  };

  before(async () => {
    ({ orm, close } = await customersTestDatabase('customer_merges'));
    s = identityServices(orm);
    notes = new CustomerNotesService(orm);
  });
  after(() => close?.());

  test('merge by the rules, everything moved to the survivor; undo puts every profile back exactly', async () => {
    const survivor = await s.customers.create(
      {
        site: 'pult',
        firstName: 'Анна',
        lastName: 'Иванова',
        phones: ['+79161230001'],
        emails: ['anna@example.com'],
        tags: ['vinyl'],
        customFields: { interests: 'vinyl' },
        consent: { email: { status: 'granted', at: '2025-01-01T00:00:00Z' } },
      },
      manager,
    );
    const other = await s.customers.create(
      {
        site: 'pult',
        externalId: 'crm-77',
        firstName: 'Аня',
        lastName: 'Иванова',
        patronymic: 'Петровна',
        birthday: '1990-03-12',
        phones: ['8 916 123-00-01', '+79035550000'],
        emails: ['ANNA@example.com', 'anna.work@example.com'],
        tags: ['b2b'],
        customFields: { interests: 'headphones', children: 2 },
        consent: { email: { status: 'denied', at: '2026-02-01T00:00:00Z' } },
        vip: true,
      },
      manager,
    );
    const ids = [survivor.customer.id, other.customer.id];
    const note = await notes.add({ id: other.customer.id }, { text: 'звонила в среду' }, manager);
    const order1 = orderCreated('pult', { firstName: 'Аня' }, { customerId: other.customer.id });
    const order2 = orderCreated('pult', { firstName: 'Анна' }, { customerId: survivor.customer.id });
    await ingest(order1);
    await ingest(order2);
    const before = (await rowsOf(ids)).map(content);
    const keysBefore = await keysOf(other.customer.id);
    assert.ok(keysBefore.length > 0);

    const merge = await s.merges.merge({ customerIds: ids, survivorId: survivor.customer.id }, manager);
    assert.deepEqual(merge.mergedIds, [other.customer.id]);
    assert.deepEqual(merge.orderIds, [orderOf(order1)]);
    assert.equal(merge.undoable, true);
    const after = merge.survivor!.customer;
    assert.equal(after.firstName, 'Анна');
    assert.equal(after.patronymic, 'Петровна');
    assert.equal(after.birthday, '1990-03-12');
    assert.equal(after.externalId, 'crm-77', 'the survivor takes the externalId it lacked');
    assert.deepEqual(
      after.phones.map((p) => p.e164),
      ['+79161230001', '+79035550000'],
    );
    assert.deepEqual(after.emails, ['anna@example.com', 'anna.work@example.com']);
    assert.deepEqual(after.tags, ['vinyl', 'b2b']);
    assert.deepEqual(after.customFields, { interests: 'vinyl', children: 2 });
    assert.equal(after.consent.email?.status, 'denied', 'the latest decision holds');
    assert.equal(after.vip, true);

    const [tombstone] = (await rowsOf([other.customer.id])).map((r) => r);
    assert.equal(tombstone.mergedInto, survivor.customer.id);
    assert.equal(tombstone.externalId ?? undefined, undefined);
    assert.deepEqual(await keysOf(other.customer.id), [], 'a merged profile is never matched again');
    const [record] = await orm.em
      .fork()
      .execute(`select snapshot -> 'customers' as customers from customer_merges where id = ?`, [merge.id]);
    assert.equal(record.customers[0].id, survivor.customer.id);
    assert.ok('customFields' in record.customers[0], 'the survivor is kept whole');
    assert.deepEqual(
      record.customers[1],
      { id: other.customer.id, externalId: 'crm-77', mergedInto: null },
      'of a merged profile, what the merge changed',
    );
    assert.ok((await keysOf(survivor.customer.id)).includes('p:+79035550000'));
    const movedNotes = await notes.list({ id: survivor.customer.id }, manager, {});
    assert.deepEqual(
      movedNotes.notes.map((n) => n.id),
      [note.id],
    );
    const link = await orm.em.fork().findOneOrFail(CustomerOrderLink, { orderId: orderOf(order1) });
    assert.equal(link.customerId, survivor.customer.id);

    const events = (await outboxOf(orm, survivor.customer.id)).map((o) => o.event_type);
    assert.deepEqual(events.slice(-2), ['customer.updated', 'customer.merged']);
    const merged = (await outboxOf(orm, survivor.customer.id)).at(-1)!.envelope.payload;
    assert.deepEqual(
      [merged.survivorId, merged.mergedIds, merged.linkedOrderIds],
      [survivor.customer.id, [other.customer.id], [orderOf(order1)]],
    );
    const moved = (await outboxOf(orm, orderOf(order1))).at(-1)!.envelope.payload;
    assert.deepEqual(
      [moved.decision, moved.customerId, moved.previousCustomerId, moved.mergeId],
      ['merged', survivor.customer.id, other.customer.id, merge.id],
    );

    await assert.rejects(
      s.merges.merge({ customerIds: ids }, manager),
      (e) => e instanceof PreconditionError && /merged into/.test(e.message),
    );

    const undone = await s.merges.undo(merge.id, manager);
    assert.equal(undone.undoable, false);
    assert.ok(undone.undoneAt);
    assert.deepEqual((await rowsOf(ids)).map(content), before, 'every profile is back as it was');
    assert.deepEqual(await keysOf(other.customer.id), keysBefore);
    assert.deepEqual(
      (await notes.list({ id: other.customer.id }, manager, {})).notes.map((n) => n.id),
      [note.id],
    );
    assert.equal(
      (await orm.em.fork().findOneOrFail(CustomerOrderLink, { orderId: orderOf(order1) })).customerId,
      other.customer.id,
    );
    const back = (await outboxOf(orm, orderOf(order1))).at(-1)!.envelope.payload;
    assert.deepEqual(
      [back.decision, back.customerId, back.previousCustomerId],
      ['merge-undone', other.customer.id, survivor.customer.id],
    );
    assert.equal((await outboxOf(orm, survivor.customer.id)).at(-1)!.event_type, 'customer.merge-undone');
    await assert.rejects(s.merges.undo(merge.id, manager), /undone already/);

    const history = await orm.em
      .fork()
      .execute<{ field: string }[]>(`select field from customer_history where customer_id = ? order by id`, [
        other.customer.id,
      ]);
    assert.deepEqual(
      history.map((h) => h.field).filter((f) => ['mergedInto', 'externalId'].includes(f)),
      ['externalId', 'mergedInto', 'externalId', 'mergedInto'],
    );
  });

  test('an undo is refused once the survivor changed, or a later merge involves its profiles', async () => {
    const make = (firstName: string) => s.customers.create({ site: 'pult', firstName }, manager);
    const [a, b, c] = [await make('А'), await make('Б'), await make('В')];
    const first = await s.merges.merge({ customerIds: [a.customer.id, b.customer.id] }, manager);
    const second = await s.merges.merge({ customerIds: [a.customer.id, c.customer.id] }, manager);
    await assert.rejects(
      s.merges.undo(first.id, manager),
      (e) => e instanceof PreconditionError && e.message.includes(second.id),
    );
    assert.equal((await s.merges.get(first.id, manager)).undoable, false);
    await s.merges.undo(second.id, manager);
    await s.customers.update({ id: a.customer.id }, { lastName: 'Новая' }, ['lastName'], manager);
    await assert.rejects(s.merges.undo(first.id, manager), /changed after the merge/);
  });

  test('merges are refused across sites, of one profile, and out of the caller’s sites', async () => {
    const p = await s.customers.create({ site: 'pult', firstName: 'Ц' }, admin);
    const m = await s.customers.create({ site: 'minsk', firstName: 'Ц' }, admin);
    await assert.rejects(
      s.merges.merge({ customerIds: [p.customer.id, m.customer.id] }, admin),
      (e) => e instanceof ValidationError && /different sites/.test(e.message),
    );
    await assert.rejects(
      s.merges.merge({ customerIds: [p.customer.id, p.customer.id] }, admin),
      ValidationError,
    );
    await assert.rejects(
      s.merges.merge({ customerIds: [p.customer.id, m.customer.id] }, manager),
      NotFoundError,
    );
    await assert.rejects(
      s.merges.merge(
        { customerIds: [p.customer.id, m.customer.id], survivorId: '01a215c8-0000-7000-8000-000000000000' },
        admin,
      ),
      (e) => e instanceof ValidationError && e.violations[0].field === 'survivorId',
    );
  });

  test('a rejected pair is never raised again, not even after one of them is merged into another', async () => {
    const family = { lastName: 'Соколова', phones: ['+79167770000'] };
    const mother = orderCreated('pult', { firstName: 'Нина', ...family });
    const daughter = orderCreated('pult', { firstName: 'Алина', ...family });
    await ingest(mother);
    await ingest(daughter);
    const link = await orm.em.fork().findOneOrFail(CustomerOrderLink, { orderId: orderOf(daughter) });
    const [suggestionId] = link.suggestionIds!;
    const rejected = await s.suggestions.reject(suggestionId, manager);
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.decidedBy, 'u-1');
    assert.equal((await s.suggestions.reject(suggestionId, manager)).status, 'rejected', 'idempotent');

    // The daughter orders again as a new profile would have it: the pair is not suggested again.
    const again = orderCreated('pult', { firstName: 'Алина', ...family, email: 'alina@example.com' });
    await ingest(again);
    const open = await s.suggestions.list({ customerId: link.candidateId }, manager);
    assert.deepEqual(open.views, []);

    // Another profile of the mother merged into hers: the rejection still holds for the pair.
    const motherId = link.candidateId!;
    const motherToo = await s.customers.create(
      { site: 'pult', firstName: 'Нина', lastName: 'Соколова' },
      manager,
    );
    await s.merges.merge(
      { customerIds: [motherId, motherToo.customer.id], survivorId: motherToo.customer.id },
      manager,
    );
    const daughterId = link.customerId;
    const refiled = await orm.em.fork().transactional(async (em) => {
      const { fileSuggestions } = await import('./suggestion-filing');
      return fileSuggestions(em, [
        {
          site: 'pult',
          origin: 'batch',
          score: {
            aId: daughterId,
            bId: motherToo.customer.id,
            weight: 5,
            probability: 0.97,
            decision: 'suggest',
            contradictions: ['firstName'],
            contributions: [],
          },
        },
      ]);
    });
    assert.deepEqual(refiled, []);
  });

  test('accepting a suggestion merges the pair; undoing that merge opens it again', async () => {
    const family = { lastName: 'Громова', phones: ['+79168880000'] };
    const a = orderCreated('pult', { firstName: 'Ирина', ...family });
    const b = orderCreated('pult', { firstName: 'Марина', ...family, email: 'marina@example.com' });
    await ingest(a);
    await ingest(b);
    const link = await orm.em.fork().findOneOrFail(CustomerOrderLink, { orderId: orderOf(b) });
    assert.equal(link.decision, 'created');
    // The manager knows better (a typo in the first name, say) and merges them.
    const [suggestionId] = link.suggestionIds!;
    const listed = await s.suggestions.list({}, manager);
    assert.ok(listed.views.some((v) => v.id === suggestionId));

    const merge = await s.suggestions.accept(suggestionId, manager);
    assert.equal(merge.origin, 'suggestion');
    assert.equal(merge.suggestionId, suggestionId);
    assert.equal(merge.survivorId, link.candidateId, 'the older profile survives');
    const accepted = await s.suggestions.get(suggestionId, manager);
    assert.deepEqual([accepted.status, accepted.mergeId, accepted.decidedBy], ['accepted', merge.id, 'u-1']);
    await assert.rejects(s.suggestions.accept(suggestionId, manager), /accepted already/);
    await assert.rejects(s.suggestions.reject(suggestionId, manager), /undo the merge/);

    await s.merges.undo(merge.id, manager);
    const reopened = await s.suggestions.get(suggestionId, manager);
    assert.deepEqual([reopened.status, reopened.mergeId], ['open', undefined]);
  });

  test('what does not fit the limits is kept in a note, which the undo removes', async () => {
    const phones = (from: number) =>
      Array.from({ length: 6 }, (_, i) => `+7916${String(from + i).padStart(7, '0')}`);
    const a = await s.customers.create({ site: 'pult', firstName: 'Марк', phones: phones(100) }, manager);
    const b = await s.customers.create({ site: 'pult', firstName: 'Марк', phones: phones(200) }, manager);
    const merge = await s.merges.merge({ customerIds: [a.customer.id, b.customer.id] }, manager);
    assert.equal(merge.survivor!.customer.phones.length, 10);
    const list = await notes.list({ id: a.customer.id }, manager, {});
    assert.match(list.notes[0].text, /\+79160000204, \+79160000205/);
    await s.merges.undo(merge.id, manager);
    assert.deepEqual((await notes.list({ id: a.customer.id }, manager, {})).notes, []);
    const [row] = await rowsOf([a.customer.id]);
    assert.equal(stateOf(row).phones.length, 6);
  });
});
