import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jaroWinkler } from '../compare/jaro-winkler';
import { latinKey } from './latin-key';
import {
  areNameVariants,
  firstNameBlockingKey,
  inferSex,
  normaliseCompanyName,
  normaliseName,
  splitFullName,
  surnameStem,
} from './name';

/** Every spelling in a group has one key, and groups differ from each other. */
function assertOneKey(groups: readonly (readonly string[])[]): void {
  const keys = groups.map((group) => {
    const key = latinKey(group[0]);
    for (const spelling of group)
      assert.equal(latinKey(spelling), key, `${spelling} should fold with ${group[0]}`);
    return key;
  });
  assert.equal(new Set(keys).size, keys.length, `groups must stay apart: ${keys.join(', ')}`);
}

describe('latinKey: one key for every spelling of a Russian name', () => {
  test('surnames in Cyrillic and the usual transliterations', () => {
    assertOneKey([
      ['Иванов', 'Ivanov', 'IVANOV', 'иванов '],
      ['Щукин', 'Shchukin', 'Schukin', 'Shukin'],
      ['Хабаров', 'Khabarov', 'Habarov'],
      ['Цой', 'Tsoy', 'Tsoi', 'Tzoy'],
      ['Соловьёв', 'Соловьев', 'Solovyov', 'Solovyev', 'Soloviev', 'Solovjov'],
      ['Ильин', 'Ilyin', "Il'in", 'Iljin', 'Ilin'],
      ['Королёв', 'Korolev', 'Korolyov', 'Koroljov'],
      ['Жуков', 'Zhukov'],
      ['Чернышёв', 'Chernyshev', 'Chernyshov'],
      ['Римский-Корсаков', 'Rimsky-Korsakov', 'Rimskiy Korsakov', 'Римский Корсаков'],
      ['Петровская', 'Petrovskaya', 'Petrovskaia', 'Petrovskaja'],
      ['Достоевский', 'Dostoevsky', 'Dostoevskiy', 'Dostoevskii', 'Dostoyevsky'],
    ]);
  });

  test('first names', () => {
    assertOneKey([
      ['Юрий', 'Yuriy', 'Yury', 'Yurii', 'Iurii', 'Yurij', 'Jurij', 'Yuri'],
      ['Алёна', 'Алена', 'Alyona', 'Aljona', 'Alena'],
      ['Александр', 'Aleksandr', 'Alexander', 'Alexandr', 'Aleksander'],
      ['Мария', 'Maria', 'Mariya', 'Mariia', 'Marija'],
      ['Наталья', 'Наталия', 'Natalya', 'Natalia', 'Nataliya', "Natal'ya"],
      ['Дмитрий', 'Dmitry', 'Dmitriy', 'Dmitrii', 'Dmitri', 'Dmitrij'],
      ['Николай', 'Nikolay', 'Nikolai', 'Nicolai'],
      ['Сергей', 'Sergey', 'Sergei', 'Sergej'],
      ['Евгений', 'Evgeny', 'Evgeniy', 'Yevgeniy', 'Evgenii'],
      ['Фёдор', 'Федор', 'Fyodor', 'Fedor'],
      ['Пётр', 'Petr', 'Pyotr', 'Peter'],
      ['Ксения', 'Kseniya', 'Ksenia', 'Xenia'],
      ['Юлия', 'Yulia', 'Yuliya', 'Julia', 'Iuliia'],
      ['Кирилл', 'Kirill', 'Kiril'],
      ['Михаил', 'Mikhail', 'Mihail'],
      ['Виктор', 'Viktor', 'Victor'],
      ['Алексей', 'Aleksey', 'Alexey', 'Alexei', 'Aleksei'],
      ['Семён', 'Semyon', 'Semen'],
      ['Артём', 'Artyom', 'Artem'],
      ['Горбачёв', 'Gorbachev', 'Gorbachov', 'Горбачев'],
    ]);
  });

  test('Ukrainian and Belarusian letters, diacritics and punctuation', () => {
    assert.equal(latinKey('Ігор'), latinKey('Igor'));
    assert.equal(latinKey('Müller'), 'muler');
    assert.equal(latinKey('  O’Brien '), latinKey('OBrien'));
    assert.equal(latinKey(''), '');
    assert.equal(latinKey('--'), '');
  });

  test('keeps different names apart', () => {
    assert.notEqual(latinKey('Иванов'), latinKey('Иванова'));
    assert.notEqual(latinKey('Александр'), latinKey('Александра'));
    assert.notEqual(latinKey('Николай'), latinKey('Ниолай'), 'a typo stays a typo');
    // "io" for ё (Artiom, Aliona) is not folded, so that a typo like Ниолай is not bent further
    // away from Николай; it stays a close fuzzy match.
    assert.ok(jaroWinkler(latinKey('Artiom'), latinKey('Артём')) >= 0.85);
    assert.ok(jaroWinkler(latinKey('Aliona'), latinKey('Алёна')) >= 0.85);
  });
});

describe('names', () => {
  test('normaliseName keys each field and marks an initial', () => {
    assert.deepEqual(normaliseName('Анна', 'Иванова', 'Сергеевна'), {
      first: 'ana',
      last: 'ivanova',
      patronymic: 'sergevna',
    });
    assert.deepEqual(normaliseName('А.', 'Иванова'), { first: 'a', firstIsInitial: true, last: 'ivanova' });
    assert.deepEqual(normaliseName(' ', '', undefined), {});
  });

  test('a full name typed into one field is split (Russian and Western order)', () => {
    assert.deepEqual(splitFullName('Иванов Иван Иванович'), {
      last: 'иванов',
      first: 'иван',
      patronymic: 'иванович',
    });
    assert.deepEqual(splitFullName('Иван Иванович Иванов'), {
      first: 'иван',
      patronymic: 'иванович',
      last: 'иванов',
    });
    assert.deepEqual(splitFullName('Петрова Анна'), { last: 'петрова', first: 'анна' });
    assert.deepEqual(splitFullName('Anna Petrova'), { first: 'anna', last: 'petrova' });
    assert.deepEqual(splitFullName('John Smith'), { first: 'john', last: 'smith' });
    assert.deepEqual(splitFullName('Анна Сергеевна'), { first: 'анна', patronymic: 'сергеевна' });
    assert.deepEqual(normaliseName('Иванов Иван Иванович'), normaliseName('Иван', 'Иванов', 'Иванович'));
    assert.deepEqual(normaliseName(undefined, 'Ivanova Anna'), normaliseName('Anna', 'Ivanova'));
  });

  test('diminutives are variants of their full name, and block with it', () => {
    assert.ok(areNameVariants(latinKey('Саша'), latinKey('Александр')));
    assert.ok(areNameVariants(latinKey('Sasha'), latinKey('Aleksandra')));
    assert.ok(areNameVariants(latinKey('Маша'), latinKey('Maria')));
    assert.ok(areNameVariants(latinKey('Женя'), latinKey('Евгения')));
    assert.ok(!areNameVariants(latinKey('Маша'), latinKey('Наташа')));
    assert.ok(!areNameVariants(latinKey('Иван'), latinKey('Ivana')));
    assert.equal(firstNameBlockingKey(latinKey('Дима')), latinKey('Дмитрий'));
    assert.equal(firstNameBlockingKey(latinKey('Зиновий')), latinKey('Зиновий'));
  });

  test('surnameStem folds the feminine ending for blocking', () => {
    assert.equal(surnameStem(latinKey('Иванова')), latinKey('Иванов'));
    assert.equal(surnameStem(latinKey('Соловьёва')), latinKey('Соловьёв'));
    assert.equal(surnameStem(latinKey('Петровская')), latinKey('Петровский'));
    assert.equal(surnameStem(latinKey('Ильина')), latinKey('Ильин'));
    assert.equal(surnameStem(latinKey('Шевченко')), latinKey('Шевченко'));
  });

  test('inferSex: patronymic and known first names outvote a surname ending', () => {
    assert.equal(inferSex(normaliseName('Анна', 'Иванова')), 'f');
    assert.equal(inferSex(normaliseName('Иван', 'Иванов')), 'm');
    assert.equal(inferSex(normaliseName(undefined, 'Никитина')), 'f');
    assert.equal(inferSex(normaliseName(undefined, 'Сафонов', 'Владимирович')), 'm');
    assert.equal(inferSex(normaliseName('Саша', 'Шевченко')), undefined, 'Саша is both, -енко neither');
    assert.equal(inferSex(normaliseName('Иванова', 'Анна')), 'f', 'swapped fields still count');
    assert.equal(inferSex(normaliseName('Emma', 'Smith')), 'f');
    assert.equal(inferSex(normaliseName('М.', 'Пономарёв')), 'm');
    assert.equal(inferSex(normaliseName('Alex', 'Smith')), 'm', 'Алекс is listed for Александр');
    assert.equal(inferSex(normaliseName('Kim', 'Lee')), undefined);
  });

  test('company names lose legal forms and quotes', () => {
    const key = normaliseCompanyName('Ромашка');
    for (const raw of [
      'ООО «Ромашка»',
      'ООО "Ромашка"',
      'Ромашка ООО',
      'Общество с ограниченной ответственностью "Ромашка"',
      'Romashka LLC',
    ]) {
      assert.equal(normaliseCompanyName(raw), key, raw);
    }
    assert.notEqual(normaliseCompanyName('АО Ромашка-2'), key);
    assert.equal(normaliseCompanyName('ООО'), undefined);
    assert.equal(normaliseCompanyName(undefined), undefined);
  });
});
