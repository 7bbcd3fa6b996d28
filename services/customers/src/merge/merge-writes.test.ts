import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '@openretail/contracts';
import type { ServiceOrm } from '@openretail/persistence';
import { CustomerNotesService } from '../notes/customer-notes.service';
import type { Caller } from '../shared/caller';
import { customersTestDatabase } from '../test-support/database';
import { identityServices } from '../test-support/identity';
import { testReferenceData } from '../test-support/reference-data';
import { fileSuggestions } from './suggestion-filing';
import { checkMergeable, oldest, planMerge } from './merge-plan';
import { readProfiles } from '../profiles/customer-rows';
import { writeMerges } from './merge-writes';

const manager: Caller = { source: 'manager', userId: 'u-1', sites: ['pult'] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/;

/**
 * The same base twice: ids, times and generated numbers aside, two copies must end equal. Every
 * UUID becomes a label by its first appearance, every time a placeholder.
 */
function canonical(value: unknown): unknown {
  const labels = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (v instanceof Date) return '<time>';
    if (typeof v === 'string') {
      if (UUID.test(v)) {
        if (!labels.has(v)) labels.set(v, `<id ${labels.size}>`);
        return labels.get(v);
      }
      if (TIME.test(v)) return '<time>';
      if (v.startsWith('crm-')) return '<externalId>';
      // Texts that name profiles (the note of what did not fit).
      return v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
        if (!labels.has(id)) labels.set(id, `<id ${labels.size}>`);
        return labels.get(id)!;
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(
            ([k]) => !['numericId', 'numeric_id', 'requestFingerprint', 'request_fingerprint'].includes(k),
          )
          .map(([k, x]) => [k, walk(x)]),
      );
    }
    return v;
  };
  return walk(value);
}

describe('merges written together, over PostgreSQL', () => {
  let orm: ServiceOrm;
  let close: () => Promise<void>;
  let s: ReturnType<typeof identityServices>;
  let notes: CustomerNotesService;

  before(async () => {
    ({ orm, close } = await customersTestDatabase('merge_writes'));
    s = identityServices(orm);
    notes = new CustomerNotesService(orm);
  });
  after(() => close?.());

  /** Three groups of duplicates with notes, orders, a suggestion inside, an externalId to take, phones over the limit. */
  async function base(tag: string): Promise<string[][]> {
    const make = (input: Record<string, unknown>) =>
      s.customers.create({ site: 'pult', ...input }, manager).then((v) => v.customer.id);
    const phones = (from: number) =>
      Array.from({ length: 6 }, (_, i) => `+7916${String(from + i).padStart(7, '0')}`);
    const groups = [
      [
        await make({ firstName: 'Анна', lastName: 'Иванова', phones: ['+79161230001'], tags: ['vinyl'] }),
        await make({
          externalId: `crm-${tag}`,
          firstName: 'Аня',
          lastName: 'Иванова',
          birthday: '1990-03-12',
          phones: ['8 916 123-00-01', '+79035550000'],
          emails: ['anna@example.com'],
          consent: { email: { status: 'granted', at: '2025-01-01T00:00:00Z' } },
        }),
      ],
      [
        await make({ firstName: 'Марк', phones: phones(100) }),
        await make({ firstName: 'Марк', lastName: 'Петров', phones: phones(200) }),
        await make({ firstName: 'Марк', lastName: 'Петров', emails: ['mark@example.com'], vip: true }),
      ],
      [
        await make({ firstName: 'Олег', lastName: 'Зайцев', customFields: { children: 1 } }),
        await make({
          firstName: 'Олег',
          lastName: 'Зайцев',
          customFields: { children: 2, 'loyalty-card': 'X-1' },
        }),
      ],
    ];
    await notes.add({ id: groups[0][1] }, { text: 'звонила в среду' }, manager);
    await notes.add({ id: groups[1][2] }, { text: 'VIP' }, manager);
    // Orders linked to profiles as identity resolution links them. Their ids are of distinct
    // milliseconds, in this order: a merge lists its orders by id, and two ids of one millisecond
    // would sort by their random bits, differently in the two runs compared.
    for (const [i, customerId] of [groups[0][1], groups[1][1], groups[1][2]].entries()) {
      const at = new Date(Date.UTC(2026, 0, 1 + i));
      await orm.em.fork().execute(
        `insert into customer_order_links (order_id, site, customer_id, decision, linked_at, updated_at)
           values (?, 'pult', ?, 'named', ?, ?)`,
        [newId(at.getTime()), customerId, at, new Date()],
      );
    }
    await orm.em.fork().transactional((em) =>
      fileSuggestions(em, [
        {
          site: 'pult',
          origin: 'ingestion',
          score: {
            aId: groups[2][0],
            bId: groups[2][1],
            weight: 4,
            probability: 0.9,
            decision: 'suggest',
            contradictions: [],
            contributions: [],
          },
        },
      ]),
    );
    return groups;
  }

  /** Everything a merge writes about the groups' profiles, in a fixed order. */
  async function written(groups: string[][]) {
    const ids = groups.flat();
    const em = orm.em.fork();
    const q = (sql: string, params: unknown[] = [JSON.stringify(ids)]) => em.execute(sql, params);
    const list = `(select jsonb_array_elements_text(?::jsonb)::uuid)`;
    const order = `array_position(array(select jsonb_array_elements_text(?::jsonb)::uuid), customer_id)`;
    return canonical({
      ids,
      profiles: await q(
        `select c.*, array_position(array(select jsonb_array_elements_text(?::jsonb)::uuid), c.id) as n
         from customers c where c.id in ${list} order by n`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      history: await q(
        `select customer_id, field, old_value, new_value, user_id, source, customer_version from customer_history
         where customer_id in ${list} order by ${order}, id`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      merges: await q(
        `select survivor_id, merged_ids, origin, changed_fields, survivor_version, snapshot, created_by, source
         from customer_merges where survivor_id in ${list}
         order by array_position(array(select jsonb_array_elements_text(?::jsonb)::uuid), survivor_id)`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      notes: await q(
        `select customer_id, text, author_id, source from customer_notes where customer_id in ${list}
         order by ${order}, text`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      links: await q(
        `select customer_id, decision from customer_order_links where customer_id in ${list}
         order by ${order}, linked_at`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      suggestions: await q(
        `select customer_a, customer_b, status, decided_by, merge_id is not null as decided
         from customer_match_suggestions where customer_a in ${list}`,
      ),
      keys: await q(
        `select customer_id, key from customer_match_keys where customer_id in ${list} order by ${order}, key`,
        [JSON.stringify(ids), JSON.stringify(ids)],
      ),
      events: (
        await q(
          `select message_key, event_type, envelope from outbox_message
           where message_key in (select jsonb_array_elements_text(?::jsonb))
             and event_type in ('customer.updated', 'customer.merged')
           order by id`,
        )
      ).map((e) => ({ ...e, envelope: { ...(e.envelope as object), id: undefined } })),
      orderEvents: await q(
        `select o.event_type, o.envelope->'payload' as payload from outbox_message o
         where o.event_type = 'customer.order-linked' and o.envelope->'payload'->>'decision' = 'merged'
           and o.envelope->'payload'->>'customerId' in (select jsonb_array_elements_text(?::jsonb))
         order by o.envelope->'payload'->>'previousCustomerId' is null, o.id`,
      ),
    });
  }

  test('a chunk of merges written together equals the same merges one by one', async () => {
    const one = await base('a');
    const together = await base('b');
    for (const group of one) await s.merges.merge({ customerIds: group }, manager);

    await orm.em.fork().transactional(async (em) => {
      const rows = await readProfiles(em, together.flat(), true);
      const plans = together.map((group) => {
        const profiles = group.map((id) => rows.get(id)!);
        checkMergeable(profiles);
        return planMerge(em, profiles, oldest(profiles), { origin: 'manual' }, new Date());
      });
      const merges = await writeMerges(em, plans, manager, testReferenceData());
      assert.equal(merges.length, 3);
    });

    const a = await written(one);
    const b = await written(together);
    // The orders moved differ by their ids only; the events' payloads must still say the same.
    assert.deepEqual(b, a);
    const merged = (a as { merges: { snapshot: { links: unknown[]; notes: unknown[] } }[] }).merges;
    assert.deepEqual(
      merged.map((m) => [m.snapshot.links.length, m.snapshot.notes.length]),
      [
        [1, 1],
        [2, 1],
        [0, 0],
      ],
      'the base has what the comparison is about',
    );
  });

  test('a merge written with others undoes alone, exactly', async () => {
    const groups = await base('c');
    const before = await written(groups);
    const merges = await orm.em.fork().transactional(async (em) => {
      const rows = await readProfiles(em, groups.flat(), true);
      const plans = groups.map((group) => {
        const profiles = group.map((id) => rows.get(id)!);
        return planMerge(em, profiles, oldest(profiles), { origin: 'batch' }, new Date());
      });
      return writeMerges(em, plans, manager, testReferenceData());
    });
    for (const m of merges) await s.merges.undo(m.record.id, manager);
    const back = (await written(groups)) as Record<string, unknown>;
    const was = before as Record<string, unknown>;
    const content = (rows: unknown) =>
      (rows as Record<string, unknown>[]).map(({ version: _v, updated_at: _u, ...rest }) => rest);
    assert.deepEqual(content(back.profiles), content(was.profiles), 'every profile as it was');
    assert.deepEqual(back.keys, was.keys, 'and matched by the same keys');
    assert.deepEqual(back.notes, was.notes);
    assert.deepEqual(back.links, was.links);
    assert.deepEqual(back.suggestions, was.suggestions);
  });
});
