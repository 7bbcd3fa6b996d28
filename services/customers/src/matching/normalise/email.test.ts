import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseEmail, splitEmail } from './email';

describe('normaliseEmail', () => {
  test('trims, lower-cases and drops mailto: and angle brackets', () => {
    assert.equal(normaliseEmail('  Anna.Petrova@Example.COM '), 'anna.petrova@example.com');
    assert.equal(normaliseEmail('mailto:anna@example.com'), 'anna@example.com');
    assert.equal(normaliseEmail('<anna@example.com>'), 'anna@example.com');
    assert.equal(normaliseEmail('ANNA@MAIL.RU'), 'anna@mail.ru');
  });

  test('keeps dots and +tags at other providers: they may be other mailboxes', () => {
    assert.equal(normaliseEmail('a.b+shop@mail.ru'), 'a.b+shop@mail.ru');
    assert.equal(normaliseEmail('a.b@company.ru'), 'a.b@company.ru');
    assert.notEqual(normaliseEmail('a.b@company.ru'), normaliseEmail('ab@company.ru'));
  });

  test('Gmail: dots and +tags reach one mailbox, googlemail.com is gmail.com', () => {
    const key = 'ivanpetrov@gmail.com';
    assert.equal(normaliseEmail('Ivan.Petrov@gmail.com'), key);
    assert.equal(normaliseEmail('i.v.a.n.petrov+orders@GMAIL.com'), key);
    assert.equal(normaliseEmail('ivanpetrov@googlemail.com'), key);
  });

  test('Yandex: one mailbox for every Yandex domain, "." and "-" alike, +tags dropped', () => {
    const key = 'ivan-petrov@yandex.ru';
    for (const raw of [
      'ivan.petrov@yandex.ru',
      'ivan-petrov@ya.ru',
      'Ivan.Petrov+shop@yandex.com',
      'ivan-petrov@yandex.kz',
    ]) {
      assert.equal(normaliseEmail(raw), key, raw);
    }
  });

  test('refuses what is not an address', () => {
    for (const raw of [
      '',
      'anna',
      'anna@',
      '@example.com',
      'anna@example',
      'an na@example.com',
      'a@b@c.ru',
      '+tag@gmail.com',
    ]) {
      assert.equal(normaliseEmail(raw), undefined, raw);
    }
  });

  test('splitEmail splits at the last @', () => {
    assert.deepEqual(splitEmail('anna@example.com'), ['anna', 'example.com']);
  });
});
