import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOPICS, ValidationError, type EventEnvelope } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import type { Caller } from '../shared/caller';
import { customersTestDatabase, outboxOf } from '../test-support/database';
import { identityServices, orderCreated } from '../test-support/identity';
import { readBlocks } from './match-index';
import { CustomerOrderLink } from './order-link.entity';

const admin: Caller = { source: 'api', sites: 'all' };

describe('identity resolution at ingestion, over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let s: ReturnType<typeof identityServices>;
  const ingest = (event: EventEnvelope) =>
    orm.em.fork().transactional((em) => s.resolver.onOrderCreated(event, em));
  const linkOf = (orderId: string) => orm.em.fork().findOneOrFail(CustomerOrderLink, { orderId });
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await orm.em.fork().execute<{ n: string }[]>(sql, params))[0].n);

  before(async () => {
    ({ orm, close } = await customersTestDatabase('identity_resolution'));
    s = identityServices(orm);
  });
  after(() => close?.());

  test('a new contact makes a profile and a link; a second copy of the event changes nothing', async () => {
    const event = orderCreated('pult', {
      firstName: 'Анна',
      lastName: 'Смирнова',
      phone: '8 (916) 100-00-01',
      phones: ['8 (916) 100-00-01'],
      email: 'Anna.Smirnova@Example.com',
    });
    const orderId = (event.payload as { orderId: string }).orderId;
    await ingest(event);
    const link = await linkOf(orderId);
    assert.equal(link.decision, 'created');
    const profile = await s.customers.get({ id: link.customerId }, admin);
    assert.deepEqual(profile.customer.phones, [{ number: '8 (916) 100-00-01', e164: '+79161000001' }]);
    assert.deepEqual(profile.customer.emails, ['anna.smirnova@example.com']);

    const outbox = await outboxOf(orm, orderId);
    assert.deepEqual(
      outbox.map((o) => [o.event_type, o.topic]),
      [['customer.order-linked', TOPICS.customerEvents.name]],
    );
    assert.deepEqual(
      { ...outbox[0].envelope.payload, actor: undefined },
      { orderId, site: 'pult', customerId: link.customerId, decision: 'created', actor: undefined },
    );
    assert.deepEqual(
      (await outboxOf(orm, link.customerId)).map((o) => o.event_type),
      ['customer.created'],
    );

    // Redelivered with another envelope (the inbox dedups the same one): still one profile.
    await ingest(orderCreated('pult', { firstName: 'Анна', phones: ['+79161000001'] }, { orderId }));
    assert.equal(
      await count(
        `select count(*) as n from customers where site = 'pult' and phone_keys @> '{+79161000001}'`,
      ),
      1,
    );
    assert.equal((await outboxOf(orm, orderId)).length, 1);
  });

  test('the same customer again is linked to that profile, which gains the new email', async () => {
    const first = orderCreated('pult', {
      firstName: 'Игорь',
      lastName: 'Белов',
      phones: ['+7 903 200-00-02'],
    });
    await ingest(first);
    const customerId = (await linkOf((first.payload as { orderId: string }).orderId)).customerId;

    const second = orderCreated('pult', {
      firstName: 'игорь',
      lastName: 'БЕЛОВ',
      phones: ['8-903-200-00-02'],
      email: 'belov@example.com',
    });
    await ingest(second);
    const link = await linkOf((second.payload as { orderId: string }).orderId);
    assert.equal(link.decision, 'matched');
    assert.equal(link.customerId, customerId);
    assert.equal(link.candidateDecision, 'auto-merge');
    assert.ok((link.weight ?? 0) >= 6, `weight ${link.weight}`);
    const phone = link.contributions?.find((c) => c.field === 'phone');
    assert.equal(phone?.level, 'exact');

    const profile = await s.customers.get({ id: customerId }, admin);
    assert.deepEqual(profile.customer.emails, ['belov@example.com']);
    assert.equal(profile.customer.phones.length, 1, 'the same phone in another format is not added');
    assert.equal(profile.version, 2);
    assert.deepEqual(
      (await outboxOf(orm, customerId)).map((o) => o.event_type),
      ['customer.created', 'customer.updated'],
    );

    const explanation = await s.identity.orderLink((second.payload as { orderId: string }).orderId, admin);
    assert.equal(explanation.customerId, customerId);
    assert.ok(explanation.contributions?.some((c) => c.field === 'lastName' && c.level === 'exact'));
  });

  test('a relative sharing the phone gets a profile of her own and a suggestion, not a merge', async () => {
    const mother = orderCreated('pult', {
      firstName: 'Ольга',
      lastName: 'Кузнецова',
      phones: ['+79161112233'],
    });
    await ingest(mother);
    const motherId = (await linkOf((mother.payload as { orderId: string }).orderId)).customerId;

    const daughter = orderCreated('pult', {
      firstName: 'Дарья',
      lastName: 'Кузнецова',
      phones: ['8 916 111 22 33'],
    });
    await ingest(daughter);
    const link = await linkOf((daughter.payload as { orderId: string }).orderId);
    assert.equal(link.decision, 'created');
    assert.notEqual(link.customerId, motherId);
    assert.equal(link.candidateId, motherId);
    assert.equal(link.candidateDecision, 'suggest');
    assert.ok(link.contradictions?.includes('firstName'));
    assert.equal(link.suggestionIds?.length, 1);

    const suggestion = await s.suggestions.get(link.suggestionIds![0], admin);
    assert.equal(suggestion.status, 'open');
    assert.deepEqual([...suggestion.customerIds].sort(), [motherId, link.customerId].sort());
    assert.equal(suggestion.origin, 'ingestion');
    const first = suggestion.contributions.find((c) => c.field === 'firstName');
    assert.equal(first?.level, 'different');
    // Seen from the pair's first profile: its first name is `a`.
    assert.equal(first?.a, suggestion.customerIds[0] === motherId ? 'olga' : 'daria');
  });

  test('an order naming its customer is linked to it, or to the profile it was merged into', async () => {
    const a = await s.customers.create({ site: 'pult', firstName: 'Пётр', phones: ['+79160001111'] }, admin);
    const b = await s.customers.create({ site: 'pult', firstName: 'Петр', phones: ['+79160002222'] }, admin);
    const named = orderCreated('pult', { firstName: 'Кто-то' }, { customerId: a.customer.id });
    await ingest(named);
    const link = await linkOf((named.payload as { orderId: string }).orderId);
    assert.deepEqual([link.decision, link.customerId], ['named', a.customer.id]);

    await s.merges.merge({ customerIds: [a.customer.id, b.customer.id], survivorId: b.customer.id }, admin);
    const later = orderCreated('pult', { firstName: 'Пётр' }, { customerId: a.customer.id });
    await ingest(later);
    const orderId = (later.payload as { orderId: string }).orderId;
    assert.equal((await linkOf(orderId)).customerId, b.customer.id);
    const [linked] = await outboxOf(orm, orderId);
    assert.equal(linked.envelope.payload.previousCustomerId, a.customer.id);
  });

  test('a contact with nothing to identify anyone by links nothing', async () => {
    const event = orderCreated('pult', { phones: ['not a phone'], email: 'no-at-sign' });
    await ingest(event);
    assert.equal(
      await orm.em
        .fork()
        .count(CustomerOrderLink, { orderId: (event.payload as { orderId: string }).orderId }),
      0,
    );
  });

  test('two orders of one new customer resolved at the same time make one profile', async () => {
    const contact = { firstName: 'Вера', lastName: 'Орлова', phones: ['+79169998877'] };
    const events = [
      orderCreated('pult', contact),
      orderCreated('pult', contact),
      orderCreated('pult', contact),
    ];
    await Promise.all(events.map(ingest));
    const ids = await Promise.all(
      events.map(async (e) => (await linkOf((e.payload as { orderId: string }).orderId)).customerId),
    );
    assert.equal(new Set(ids).size, 1);
    assert.equal(await count(`select count(*) as n from customers where phone_keys @> '{+79169998877}'`), 1);
  });

  test('profiles made through the API are found by resolution (their keys are kept on every write)', async () => {
    const made = await s.customers.create(
      { site: 'pult', firstName: 'Лев', lastName: 'Гуров', emails: ['gurov@example.com'] },
      admin,
    );
    await s.customers.update({ id: made.customer.id }, { phones: ['+79165554433'] }, ['phones'], admin);
    const found = await s.identity.findOrCreate(
      { site: 'pult', firstName: 'Лев', lastName: 'Гуров', phones: ['8 916 555 44 33'] },
      admin,
    );
    assert.equal(found.decision, 'matched');
    assert.equal(found.customer.customer.id, made.customer.id);
    assert.equal(found.best?.bId, made.customer.id);
  });

  test('find-or-create refuses a contact of nothing and a site out of the caller’s scope', async () => {
    await assert.rejects(s.identity.findOrCreate({ site: 'pult' }, admin), ValidationError);
    await assert.rejects(
      s.identity.findOrCreate({ site: 'pult', firstName: 'Ян' }, { source: 'api', sites: ['minsk'] }),
      /no access to site 'pult'/,
    );
  });

  test('phones are read in the region of the site: a Belarusian number on the Minsk site', async () => {
    const result = await s.identity.findOrCreate(
      { site: 'minsk', firstName: 'Алесь', lastName: 'Лукашевич', phones: ['8 029 123 45 67'] },
      admin,
    );
    assert.equal(result.decision, 'created');
    assert.equal(result.customer.customer.phones[0].e164, '+375291234567');
    const again = await s.identity.findOrCreate(
      { site: 'minsk', firstName: 'Алесь', lastName: 'Лукашевич', phones: ['+375 29 123-45-67'] },
      admin,
    );
    assert.equal(again.customer.customer.id, result.customer.customer.id);
  });

  test('the backfill indexes profiles made before keys were kept and resolves legacy order contacts', async () => {
    const old = await s.customers.create(
      { site: 'pult', firstName: 'Фёдор', lastName: 'Лыков', phones: ['+79163334455'] },
      admin,
    );
    await orm.em.fork().execute('delete from customer_match_keys where customer_id = ?', [old.customer.id]);
    await orm.em
      .fork()
      .execute('delete from customer_match_records where customer_id = ?', [old.customer.id]);
    const orderId = '01a215c8-0000-7000-8000-00000000b0b0';
    await orm.em.fork().execute(
      `insert into customer_contacts (id, site, source_order_id, first_name, last_name, phone, email, ordered_at, recorded_at)
       values (gen_random_uuid(), 'pult', ?, 'Федор', 'Лыков', '8 916 333-44-55', null, now(), now())`,
      [orderId],
    );
    assert.deepEqual(await s.backfill.runAll(), { indexed: 1, contacts: 1 });
    const link = await linkOf(orderId);
    assert.deepEqual([link.decision, link.customerId], ['matched', old.customer.id]);
    assert.equal(await count('select count(*) as n from customer_contacts'), 0);
    assert.deepEqual(await s.backfill.runAll(), { indexed: 0, contacts: 0 }, 'nothing left');
  });

  test("a site's match configuration: validated, versioned, and in force for the next resolution", async () => {
    const initial = await s.settings.get('pult-opt', admin);
    assert.equal(initial.version, 0);
    assert.equal(initial.effective.thresholds.autoMerge > initial.effective.thresholds.suggest, true);
    await assert.rejects(
      s.settings.set(
        'pult-opt',
        { thresholds: { autoMerge: 'high' }, fields: { phone: { exact: { u: 2 } } } },
        admin,
      ),
      (e) =>
        e instanceof ValidationError &&
        e.violations
          .map((v) => v.field)
          .sort()
          .join() === 'fields.phone.exact.u,thresholds.autoMerge',
    );
    await assert.rejects(
      s.settings.set('pult-opt', { thresholds: { suggest: 50 } }, admin),
      (e) => e instanceof ValidationError && e.violations[0].field === 'thresholds.suggest',
    );
    const contact = { site: 'pult-opt', firstName: 'Роман', lastName: 'Титов', phones: ['+79165550055'] };
    const first = await s.identity.findOrCreate(contact, admin);
    assert.equal(
      (await s.identity.findOrCreate(contact, admin)).customer.customer.id,
      first.customer.customer.id,
    );

    // A threshold no pair reaches: the same contact is now only suggested.
    const saved = await s.settings.set('pult-opt', { thresholds: { autoMerge: 99 } }, admin, 0);
    assert.deepEqual([saved.version, saved.effective.thresholds.autoMerge], [1, 99]);
    await assert.rejects(s.settings.set('pult-opt', {}, admin, 0), /version 1, not 0/);
    const again = await s.identity.findOrCreate(contact, admin);
    assert.equal(again.decision, 'created');
    assert.equal(again.best?.decision, 'suggest');
    assert.equal(again.suggestionIds.length, 1);
  });

  test('a key held by more profiles than the block cap finds nobody; the other keys still do', async () => {
    const ids = [
      '0199a000-0000-7000-8000-00000000000a',
      '0199a000-0000-7000-8000-00000000000b',
      '0199a000-0000-7000-8000-00000000000c',
    ];
    const em = orm.em.fork();
    for (const [i, id] of ids.entries()) {
      await em.execute(
        `insert into customer_match_records (customer_id, site, record) values (?, 'cap-site', ?::jsonb)`,
        [id, JSON.stringify({ id, n: i })],
      );
      await em.execute(
        `insert into customer_match_keys (site, key, customer_id) values ('cap-site', 'p:shared', ?)`,
        [id],
      );
    }
    await em.execute(
      `insert into customer_match_keys (site, key, customer_id) values ('cap-site', 'e:own', ?)`,
      [ids[1]],
    );
    const found = async (keys: string[], cap: number) => {
      const lookup = { site: 'cap-site', keys, maxBlockSize: cap };
      return (await readBlocks(orm.em.fork(), [lookup]))
        .candidates(lookup)
        .map((r) => (r as unknown as { id: string }).id);
    };
    assert.deepEqual(await found(['p:shared'], 3), ids, 'at the cap the block is used');
    assert.deepEqual(await found(['p:shared'], 2), [], 'over the cap it is not');
    assert.deepEqual(await found(['p:shared', 'e:own'], 2), [ids[1]]);
    assert.deepEqual(await found(['x:none'], 2), []);
  });
});
