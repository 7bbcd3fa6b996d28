import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OrderCreatedV1, type Contact, type EventEnvelope } from '@openretail/contracts';
import {
  EventConsumer,
  silentLogger,
  type MessageTransport,
  type OutgoingMessage,
} from '@openretail/messaging';
import type { ServiceOrm } from '@openretail/persistence';
import { customersServiceDefinition } from '../service';
import type { Caller } from '../shared/caller';
import { customersTestDatabase } from '../test-support/database';
import { identityServices, orderCreated } from '../test-support/identity';

const admin: Caller = { source: 'api', sites: 'all' };
type Services = ReturnType<typeof identityServices>;
const orderIdOf = (e: EventEnvelope) => (e.payload as { orderId: string }).orderId;

/**
 * A day of orders touching every rule: new customers, one of them ordering three times (the last
 * time with a new email), a relative sharing a phone (a suggestion, drafted again by her next
 * order), orders naming a profile (one merged away, one that does not exist), an order with no
 * usable contact, redeliveries (of an order linked before, and twice in the day), a returning API
 * customer gaining a phone, a Belarusian number. Needs profiles made through the API first.
 */
async function scenario(s: Services) {
  const create = async (input: object) =>
    (await s.customers.create({ site: 'pult', ...input }, admin)).customer.id;
  const named = await create({ firstName: 'Пётр', lastName: 'Иванов', phones: ['+79160001111'] });
  const merged = await create({ firstName: 'Павел', phones: ['+79160002222'] });
  const survivor = await create({ firstName: 'Павел', lastName: 'Смирнов', phones: ['+79160003333'] });
  await s.merges.merge({ customerIds: [merged, survivor], survivorId: survivor }, admin);
  const returning = await create({ firstName: 'Лев', lastName: 'Гуров', emails: ['gurov@example.com'] });

  const earlier = orderCreated('pult', { firstName: 'Нина', lastName: 'Соколова', phones: ['+79165550001'] });
  const vera: Contact = { firstName: 'Вера', lastName: 'Орлова', phones: ['+79169998877'] };
  const first = orderCreated('pult', vera);
  const olga = { firstName: 'Ольга', lastName: 'Кузнецова', phones: ['+79161112233'] };
  const day = [
    first,
    orderCreated('pult', vera),
    orderCreated('pult', { ...vera, phones: ['8 916 999 88 77'], email: 'Vera@Example.com' }),
    orderCreated('pult', { firstName: 'Кто-то' }, { customerId: named }),
    orderCreated('pult', { firstName: 'Павел' }, { customerId: merged }),
    orderCreated('pult', olga, { customerId: '0199a000-0000-7000-8000-0000000000ff' }),
    orderCreated('pult', { ...olga, firstName: 'Дарья', phones: ['8 916 111 22 33'] }),
    orderCreated('pult', { ...olga, firstName: 'Дарья', email: 'daria@example.com' }),
    orderCreated('pult', { phones: ['not a phone'], email: 'no-at-sign' }),
    orderCreated('pult', { firstName: 'Нина', phones: ['+79165550001'] }, { orderId: orderIdOf(earlier) }),
    orderCreated('pult', { firstName: 'Вера' }, { orderId: orderIdOf(first) }),
    orderCreated('pult', {
      firstName: 'Лев',
      lastName: 'Гуров',
      phones: ['+79167770077'],
      email: 'gurov@example.com',
    }),
    orderCreated('minsk', { firstName: 'Алесь', phones: ['8 029 123 45 67'] }),
  ];
  return { profiles: [named, merged, survivor, returning], earlier, day };
}

/**
 * Everything resolution stored for the scenario, with ids replaced by labels in order of appearance
 * and times left out: two databases that took the same decisions dump the same.
 */
async function dump(orm: ServiceOrm, profiles: string[], orders: EventEnvelope[]) {
  const em = orm.em.fork();
  const q = (sql: string, params: unknown[] = []) => em.execute<Record<string, unknown>[]>(sql, params);
  const labels = new Map<string, string>();
  const label = (id: string) => {
    if (!labels.has(id)) labels.set(id, `#${labels.size}`);
    return labels.get(id)!;
  };
  const canon = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'T')
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => label(id)),
    );
  const orderIds = [...new Set(orders.map(orderIdOf))];
  [...profiles, ...orderIds].forEach(label);
  const links = new Map(
    (await q('select * from customer_order_links')).map((l) => [l.order_id as string, l]),
  );
  const linked = orderIds.flatMap((id) => (links.has(id) ? [links.get(id)!] : []));
  for (const l of linked) for (const id of [l.customer_id, l.candidate_id]) if (id) label(id as string);
  const made = (await q('select id from customers order by numeric_id')).map((r) => r.id as string);
  made.forEach(label);
  // Suggestions by their pair, seen from its first profile to appear: their ids are random, and so
  // are the order of a pair (by id) and of a list of them.
  const suggestions = (await q('select * from customer_match_suggestions')).map((sg) => {
    const [a, b] = [label(sg.customer_a as string), label(sg.customer_b as string)];
    labels.set(sg.id as string, `S(${[a, b].sort().join(',')})`);
    if (a < b) return sg;
    const flip = (c: { a?: unknown; b?: unknown }) => {
      const { a: ca, b: cb, ...rest } = c;
      return { ...rest, ...(cb !== undefined ? { a: cb } : {}), ...(ca !== undefined ? { b: ca } : {}) };
    };
    return {
      ...sg,
      customer_a: sg.customer_b,
      customer_b: sg.customer_a,
      contributions: (sg.contributions as { a?: unknown; b?: unknown }[]).map(flip),
    };
  });
  const sortedSuggestions = (ids: unknown) => (Array.isArray(ids) ? ids.map((id) => label(id)).sort() : ids);
  return canon({
    links: orderIds.map((id) => {
      const l = links.get(id);
      return (
        l && {
          ...l,
          linked_at: undefined,
          updated_at: undefined,
          suggestion_ids: sortedSuggestions(l.suggestion_ids),
        }
      );
    }),
    profiles: await Promise.all(
      made.map(async (id) => ({
        row: { ...(await q('select * from customers where id = ?', [id]))[0], created_at: 0, updated_at: 0 },
        history: (await q('select * from customer_history where customer_id = ? order by id', [id])).map(
          (h) => ({ ...h, id: 0, at: 0 }),
        ),
        record: (await q('select record from customer_match_records where customer_id = ?', [id]))[0],
        keys: await q('select site, key from customer_match_keys where customer_id = ? order by key', [id]),
      })),
    ),
    suggestions: suggestions
      .map((sg) => ({ ...sg, id: label(sg.id as string), created_at: 0, updated_at: 0 }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    events: await Promise.all(
      [...made, ...orderIds].map(async (key) =>
        (
          await q(
            'select event_type, topic, envelope from outbox_message where message_key = ? order by id',
            [key],
          )
        ).map((o) => {
          const envelope = o.envelope as { id: string; payload: { suggestionIds?: string[] } };
          return {
            ...o,
            envelope: {
              ...envelope,
              payload: {
                ...envelope.payload,
                suggestionIds: sortedSuggestions(envelope.payload.suggestionIds),
              },
            },
          };
        }),
      ),
    ),
  });
}

describe('identity resolution of a batch of orders', () => {
  let one: { orm: ServiceOrm; close(): Promise<void> };
  let all: { orm: ServiceOrm; close(): Promise<void> };
  before(async () => {
    [one, all] = await Promise.all([customersTestDatabase('batch_one'), customersTestDatabase('batch_all')]);
  });
  after(async () => {
    await one?.close();
    await all?.close();
  });

  test('a batch decides and stores what resolving its orders one at a time does', async () => {
    const a = identityServices(one.orm);
    const oneByOne = await scenario(a);
    await one.orm.em.fork().transactional((em) => a.resolver.onOrdersCreated([oneByOne.earlier], em));
    for (const event of oneByOne.day) {
      await one.orm.em.fork().transactional((em) => a.resolver.onOrdersCreated([event], em));
    }

    const b = identityServices(all.orm);
    const together = await scenario(b);
    await all.orm.em.fork().transactional((em) => b.resolver.onOrdersCreated([together.earlier], em));
    await all.orm.em.fork().transactional((em) => b.resolver.onOrdersCreated(together.day, em));

    const batch = await dump(all.orm, together.profiles, [together.earlier, ...together.day]);
    assert.deepEqual(batch, await dump(one.orm, oneByOne.profiles, [oneByOne.earlier, ...oneByOne.day]));

    // What that is, in the batch's words.
    const links = (
      batch as {
        links: ({ decision: string; customer_id: string; suggestion_ids: string[] | null } | null)[];
      }
    ).links;
    // One entry per order id: the redelivered ones are not repeated.
    const [
      earlier,
      vera1,
      vera2,
      vera3,
      named,
      mergedAway,
      unknownNamed,
      daria1,
      daria2,
      nothing,
      lev,
      ales,
    ] = links;
    assert.equal(earlier?.decision, 'created');
    assert.deepEqual(
      [vera1, vera2, vera3].map((l) => l?.decision),
      ['created', 'matched', 'matched'],
    );
    assert.equal(new Set([vera1, vera2, vera3].map((l) => l?.customer_id)).size, 1, 'one profile for Vera');
    assert.deepEqual([named?.decision, named?.customer_id], ['named', '#0']);
    assert.deepEqual([mergedAway?.decision, mergedAway?.customer_id], ['named', '#2']);
    assert.equal(unknownNamed?.decision, 'created');
    assert.equal(daria1?.decision, 'created');
    assert.equal(daria1?.suggestion_ids?.length, 1);
    assert.equal(daria2?.decision, 'matched');
    assert.deepEqual(
      daria2?.suggestion_ids,
      daria1?.suggestion_ids,
      'the pair drafted again is the same suggestion',
    );
    assert.equal(nothing, null, 'no usable contact, no link');
    assert.deepEqual([lev?.decision, lev?.customer_id], ['matched', '#3']);
    assert.equal(ales?.decision, 'created');
    const linkedEvents = (batch as { events: { event_type: string }[][] }).events
      .flat()
      .filter((e) => e.event_type === 'customer.order-linked');
    assert.equal(linkedEvents.length, 11, 'one customer.order-linked per order linked');
  });

  test('orders of one new customer in one batch make one profile, which gains what the later ones add', async () => {
    const s = identityServices(all.orm);
    const contact = { firstName: 'Зоя', lastName: 'Белова', phones: ['+79164443322'] };
    const events = [
      orderCreated('pult', contact),
      orderCreated('pult', { ...contact, email: 'zoya@example.com' }),
      orderCreated('pult', { ...contact, phones: ['8 916 444 33 22', '+7 916 444-33-11'] }),
    ];
    await all.orm.em.fork().transactional((em) => s.resolver.onOrdersCreated(events, em));
    const links = await all.orm.em.fork().execute<{ customer_id: string; decision: string }[]>(
      `select customer_id, decision from customer_order_links
         where order_id in (select jsonb_array_elements_text(?::jsonb)::uuid) order by decision`,
      [JSON.stringify(events.map(orderIdOf))],
    );
    assert.deepEqual(
      links.map((l) => l.decision),
      ['created', 'matched', 'matched'],
    );
    assert.equal(new Set(links.map((l) => l.customer_id)).size, 1);
    const profile = await s.customers.get({ id: links[0].customer_id }, admin);
    assert.equal(profile.version, 3);
    assert.deepEqual(profile.customer.emails, ['zoya@example.com']);
    assert.deepEqual(
      profile.customer.phones.map((p) => p.e164),
      ['+79164443322', '+79164443311'],
    );
  });

  test('a batch that fails is rolled back and its orders are resolved one at a time', async () => {
    const s = identityServices(all.orm);
    const spec = customersServiceDefinition.consumers!({ get: () => s.resolver } as never).find(
      (c) => c.groupId === 'customers.order-contacts',
    )!;
    const deadLetters: OutgoingMessage[] = [];
    const transport = {
      producer: () => ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        send: async (messages: OutgoingMessage[]) => void deadLetters.push(...messages),
      }),
      consumer: () => ({
        run: async () => undefined,
        runBatches: async () => undefined,
        stop: async () => undefined,
      }),
    } as unknown as MessageTransport;
    const consumer = new EventConsumer({
      ...spec,
      transport,
      orm: all.orm,
      logger: silentLogger,
      retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 },
    });
    await consumer.start();
    const good = [
      orderCreated('pult', { firstName: 'Роза', lastName: 'Ветрова', phones: ['+79162221100'] }),
      orderCreated('pult', { firstName: 'Роза', lastName: 'Ветрова', phones: ['+79162221100'] }),
    ];
    const unknownSite = orderCreated('atlantis', { firstName: 'Немо', phones: ['+79162221199'] });
    const message = (event: EventEnvelope, offset: number) => ({
      topic: OrderCreatedV1.topic.name,
      partition: 0,
      offset: String(offset),
      key: event.aggregateId,
      value: Buffer.from(JSON.stringify(event)),
      headers: {},
    });
    await consumer.handleBatch([message(good[0], 0), message(unknownSite, 1), message(good[1], 2)]);
    await consumer.stop();

    assert.deepEqual(
      deadLetters.map((m) => [JSON.parse(m.value).id, m.headers['dlt-attempts']]),
      [[unknownSite.id, '2']],
    );
    assert.match(deadLetters[0].headers['dlt-error'], /unknown site 'atlantis'/);
    const links = await all.orm.em
      .fork()
      .execute<{ order_id: string; customer_id: string; decision: string }[]>(
        `select order_id, customer_id, decision from customer_order_links
         where order_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [JSON.stringify([...good, unknownSite].map(orderIdOf))],
      );
    const byOrder = new Map(links.map((l) => [l.order_id, l]));
    assert.deepEqual(
      good.map((e) => byOrder.get(orderIdOf(e))?.decision),
      ['created', 'matched'],
    );
    assert.equal(byOrder.get(orderIdOf(good[0]))?.customer_id, byOrder.get(orderIdOf(good[1]))?.customer_id);
    assert.equal(byOrder.has(orderIdOf(unknownSite)), false);
    const inbox = await all.orm.em
      .fork()
      .execute<{ n: string }[]>(
        `select count(*) as n from inbox_message where event_id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
        [JSON.stringify(good.map((e) => e.id))],
      );
    assert.equal(Number(inbox[0].n), 2);
  });

  test('an order already linked, redelivered in a batch, changes nothing', async () => {
    const s = identityServices(all.orm);
    const event = orderCreated('pult', { firstName: 'Олег', phones: ['+79168887766'] });
    await all.orm.em.fork().transactional((em) => s.resolver.onOrdersCreated([event], em));
    const again = orderCreated(
      'pult',
      { firstName: 'Олег', lastName: 'Другой', email: 'oleg@example.com' },
      { orderId: orderIdOf(event) },
    );
    const other = orderCreated('pult', { firstName: 'Олег', phones: ['+79168887766'] });
    const [link, otherLink] = await all.orm.em.fork().transactional((em) =>
      s.resolver.linkOrders(
        em,
        [again, other].map((e) => {
          const p = e.payload as { orderId: string; site: string; customer: Contact };
          return {
            orderId: p.orderId,
            site: p.site,
            contact: {
              site: p.site,
              firstName: p.customer.firstName,
              lastName: p.customer.lastName,
              phones: p.customer.phones ?? [],
              emails: p.customer.email ? [p.customer.email] : [],
            },
          };
        }),
      ),
    );
    assert.equal(link?.decision, 'created', 'the link made the first time');
    assert.equal(otherLink?.customerId, link?.customerId);
    const profile = await s.customers.get({ id: link!.customerId }, admin);
    assert.equal(profile.customer.lastName, undefined, 'the redelivered contact was not applied');
    const linked = await all.orm.em
      .fork()
      .execute<{ n: string }[]>(`select count(*) as n from outbox_message where message_key = ?`, [
        orderIdOf(event),
      ]);
    assert.equal(Number(linked[0].n), 1, 'one customer.order-linked');
  });
});
