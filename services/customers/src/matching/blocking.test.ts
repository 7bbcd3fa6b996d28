import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { blockingKeys } from './blocking';
import { BlockingIndex, hashKey } from './blocking-index';
import { DEFAULT_MATCH_CONFIG, resolveMatchConfig } from './match-config';
import { rec } from './test-records';

const config = DEFAULT_MATCH_CONFIG;
const shared = (x: string[], y: string[]) => x.filter((k) => y.includes(k));

describe('blocking keys', () => {
  test('one key of each kind a record can have', () => {
    const keys = blockingKeys(
      rec('1', {
        firstName: 'Анна',
        lastName: 'Иванова',
        phones: ['8 916 123-45-67', '+7 495 123 45 67'],
        emails: ['Anna@Example.com'],
        city: 'Москва',
        address: 'ул. Тверская, д. 1, кв. 5',
        birthday: '12.03.1985',
      }),
      config,
    );
    assert.deepEqual(keys, [
      'p:+79161234567',
      'p:+74951234567',
      'e:anna@example.com',
      'b:ivanov|1985-03-12',
      'b:ana|1985-03-12',
      'a:ivanov|tverskaya|1',
      'a:ana|tverskaya|1',
      'c:ana|ivanov|moskva',
    ]);
    const company = blockingKeys(
      rec('2', { type: 'legal', companyName: 'ООО «Ромашка»', taxId: '7707083893', city: 'Москва' }),
      config,
    );
    assert.deepEqual(company, ['t:7707083893', 'o:romashka|moskva']);
  });

  test('duplicates with one noisy field still share a key', () => {
    const base = {
      firstName: 'Анна',
      lastName: 'Иванова',
      birthday: '1985-03-12',
      city: 'Москва',
      address: 'Тверская 1',
    };
    const a = blockingKeys(rec('1', { ...base, phones: ['+79161234567'] }), config);
    // New phone, surname typo, Latin letters, diminutive, swapped names, married (masculine form), no birthday.
    for (const variant of [
      { ...base, phones: ['+79030000000'] },
      { ...base, lastName: 'Иванвоа' },
      { firstName: 'Anna', lastName: 'Ivanova', city: 'Moscow' },
      { ...base, firstName: 'Аня' },
      { ...base, firstName: 'Иванова', lastName: 'Анна' },
      { ...base, lastName: 'Иванов' },
      { firstName: 'Анна', lastName: 'Иванова', address: 'г. Москва, ул. Тверская, д. 1' },
    ]) {
      const b = blockingKeys(rec('2', variant), config);
      assert.ok(shared(a, b).length > 0, `${JSON.stringify(variant)}: ${b.join(' ')}`);
    }
  });

  test('an initial makes no name key; kinds can be switched off per site', () => {
    const keys = blockingKeys(
      rec('1', { firstName: 'А.', lastName: 'Иванова', birthday: '1985-03-12' }),
      config,
    );
    assert.deepEqual(keys, ['b:ivanov|1985-03-12']);
    const phonesOnly = resolveMatchConfig({ blocking: { keys: ['phone'] } });
    assert.deepEqual(
      blockingKeys(rec('1', { firstName: 'Анна', phones: ['+79161234567'], emails: ['a@b.ru'] }), phonesOnly),
      ['p:+79161234567'],
    );
  });
});

describe('BlockingIndex', () => {
  const records = [
    rec('0', { firstName: 'Анна', lastName: 'Иванова', phones: ['+79161234567'], birthday: '1985-03-12' }),
    rec('1', { firstName: 'Анна', lastName: 'Иванова', phones: ['+79161234567'], birthday: '1985-03-12' }),
    rec('2', { firstName: 'Пётр', phones: ['+79161234567'] }),
    rec('3', { firstName: 'Олег', phones: ['+79030000000'] }),
    rec('4', { firstName: 'Anna', lastName: 'Ivanova', birthday: '1985-03-12' }),
  ];

  function candidates(index: BlockingIndex): string[] {
    const pairs: string[] = [];
    for (let r = 0; r < index.size; r++) index.forEachCandidate(r, (j) => pairs.push(`${r}-${j}`));
    return pairs;
  }

  test('every pair sharing a key is visited once, smaller position first', () => {
    const pairs = candidates(new BlockingIndex(records, config));
    assert.deepEqual(pairs.sort(), ['0-1', '0-2', '0-4', '1-2', '1-4']);
  });

  test('blocks over maxBlockSize are skipped, and pairs they alone joined are lost', () => {
    const more = [...records, rec('5', { firstName: 'Олег', phones: ['+79161234567'] })];
    const small = new BlockingIndex(more, resolveMatchConfig({ blocking: { maxBlockSize: 3 } }));
    // The phone block holds 4 records: 0-2, 1-2 and those with 5 shared only the phone; the name and
    // birthday blocks (3 records) still join 0, 1 and 4.
    assert.deepEqual(candidates(small).sort(), ['0-1', '0-4', '1-4']);
    assert.deepEqual(small.oversized, { blocks: 1, slots: 4 });
    assert.deepEqual(small.recordsWithKey('p:+79161234567'), []);
    assert.equal(small.holders('p:+79161234567'), 4);
  });

  test('holders and recordsWithKey answer by key, like the service table does', () => {
    const index = new BlockingIndex(records, config);
    assert.equal(index.holders('p:+79161234567'), 3);
    assert.equal(index.holders('p:+70000000000'), 0);
    assert.deepEqual(index.recordsWithKey('p:+79161234567'), [0, 1, 2]);
    assert.deepEqual(index.recordsWithKey('b:ivanov|1985-03-12'), [0, 1, 4]);
  });

  test('the key hash is FNV-1a', () => {
    assert.equal(hashKey(''), 0x811c9dc5);
    assert.equal(hashKey('a'), 0xe40c292c);
    assert.equal(hashKey('foobar'), 0xbf9cf968);
  });

  test('an empty base has no candidates', () => {
    const index = new BlockingIndex([], config);
    assert.equal(index.size, 0);
    assert.equal(index.holders('p:+79161234567'), 0);
  });
});
