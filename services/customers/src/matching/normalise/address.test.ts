import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseAddress, normaliseCity } from './address';

describe('normaliseAddress', () => {
  const tverskaya = { city: 'moskva', street: 'tverskaya', house: '1', flat: '5' };
  const same: readonly string[] = [
    'г. Москва, ул. Тверская, д. 1, кв. 5',
    'Москва, Тверская 1-5',
    'Москва, улица Тверская, дом 1, квартира 5',
    '125009, г. Москва, Тверская ул., д.1, кв.5',
    'город Москва, ул.Тверская, д.1 кв.5',
    'г.Москва, Тверская улица, 1, кв 5',
    'Tverskaya st. 1, apt 5, Moscow',
    'Москва, Тверская, 1, оф. 5',
  ];
  for (const raw of same) {
    test(raw, () => assert.deepEqual(normaliseAddress(raw), tverskaya));
  }

  test('houses with letters, fractions, buildings and structures', () => {
    assert.equal(normaliseAddress('ул. Ленина, д. 12а').house, '12a');
    assert.equal(normaliseAddress('ул. Ленина, д. 12 а').house, '12a');
    assert.equal(normaliseAddress('ул. Ленина, 12/1').house, '12/1');
    assert.equal(normaliseAddress('ул. Ленина, д. 12, корп. 2').house, '12k2');
    assert.equal(normaliseAddress('ул. Ленина, д. 12к2').house, '12k2');
    assert.equal(normaliseAddress('ул. Ленина, д. 12, стр. 3').house, '12s3');
  });

  test('region, postcode and district are dropped; the city is found with or without "г."', () => {
    assert.deepEqual(
      normaliseAddress('123456, Московская обл., г. Подольск, ул. Ленина, д. 12, корп. 2, кв. 7'),
      {
        city: 'podolsk',
        street: 'lenina',
        house: '12k2',
        flat: '7',
      },
    );
    assert.deepEqual(normaliseAddress('Урюпинск, Ленина 5'), {
      city: 'uryupinsk',
      street: 'lenina',
      house: '5',
    });
    assert.deepEqual(normaliseAddress('г. Москва ул. Тверская 1'), {
      city: 'moskva',
      street: 'tverskaya',
      house: '1',
    });
  });

  test('street types (проспект, пр-т, переулок, шоссе) are dropped, and "имени"', () => {
    assert.equal(
      normaliseAddress('СПб, Невский проспект, д. 28').street,
      normaliseAddress('Санкт-Петербург, Невский пр-т, 28').street,
    );
    assert.equal(normaliseAddress('ул. им. Ленина, 3').street, 'lenina');
    assert.equal(normaliseAddress('улица имени В.И. Ленина, 3').street, 'lenina');
    assert.equal(normaliseAddress('Варшавское ш., 5').street, normaliseAddress('Варшавское шоссе 5').street);
  });

  test('a city given separately wins; an address without a street has none', () => {
    assert.deepEqual(normaliseAddress('ул. Мира 7 кв 12', 'Казань'), {
      city: 'kazan',
      street: 'mira',
      house: '7',
      flat: '12',
    });
    assert.deepEqual(normaliseAddress('Москва', undefined), { city: 'moskva' });
    assert.deepEqual(normaliseAddress(undefined, 'г. Москва'), { city: 'moskva' });
    assert.deepEqual(normaliseAddress('', undefined), {});
  });

  test('normaliseCity folds "г." and other names of large cities', () => {
    for (const raw of ['Москва', 'г. Москва', 'город Москва', 'Moscow', 'MOSKVA', 'Мск'])
      assert.equal(normaliseCity(raw), 'moskva', raw);
    for (const raw of [
      'Санкт-Петербург',
      'Saint Petersburg',
      'St. Petersburg',
      'СПб',
      'Питер',
      'Sankt-Peterburg',
    ]) {
      assert.equal(normaliseCity(raw), 'sanktpeterburg', raw);
    }
    assert.equal(normaliseCity('Нижний Новгород'), normaliseCity('Nizhny Novgorod'));
    assert.equal(normaliseCity('Алма-Ата'), normaliseCity('Алматы'));
    assert.equal(normaliseCity('г.'), undefined);
  });
});
