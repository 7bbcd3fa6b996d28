import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveMatchConfig } from './match-config';
import {
  compileModel,
  decide,
  explainPair,
  probabilityOf,
  type PairScore,
  type TermFrequencies,
} from './scoring';
import { defaultModel, family, rec } from './test-records';

const model = defaultModel;
const level = (score: PairScore, field: string) => score.contributions.find((c) => c.field === field)?.level;
const contribution = (score: PairScore, field: string) => score.contributions.find((c) => c.field === field)!;

describe('scoring: the same customer', () => {
  test('typed differently (phone format, email case, address abbreviations, date format): automatic merge', () => {
    const a = rec('1', {
      firstName: 'Анна',
      lastName: 'Петрова',
      phones: ['8 (916) 123-45-67'],
      emails: ['Anna.Petrova@Mail.ru'],
      city: 'г. Москва',
      address: 'ул. Тверская, д. 1, кв. 5',
      birthday: '12.03.1985',
    });
    const b = rec('2', {
      firstName: 'анна',
      lastName: 'ПЕТРОВА',
      phones: ['+79161234567'],
      emails: [' anna.petrova@mail.ru'],
      address: 'Москва, Тверская 1-5',
      birthday: '1985-03-12',
    });
    const score = explainPair(a, b, model);
    assert.equal(score.decision, 'auto-merge');
    assert.deepEqual(score.contradictions, []);
    for (const field of ['firstName', 'lastName', 'phone', 'email', 'birthday', 'city', 'address']) {
      assert.equal(level(score, field), 'exact', field);
    }
    assert.deepEqual(
      { a: contribution(score, 'phone').a, b: contribution(score, 'phone').b },
      { a: '+79161234567', b: '+79161234567' },
    );
    assert.ok(score.probability > 0.999);
  });

  test('in Latin letters, with a diminutive, from another phone format: automatic merge', () => {
    const a = rec('1', { firstName: 'Юрий', lastName: 'Щукин', phones: ['8 916 123 45 67'] });
    const b = rec('2', { firstName: 'Yury', lastName: 'Schukin', phones: ['+7 916 1234567'] });
    assert.equal(explainPair(a, b, model).decision, 'auto-merge');
    const c = rec('3', { firstName: 'Юра', lastName: 'Shchukin', phones: ['9161234567'] });
    const score = explainPair(a, c, model);
    assert.equal(level(score, 'firstName'), 'alias');
    assert.equal(score.decision, 'auto-merge');
  });

  test('first and last name swapped, or typed into one field: compared crosswise, with a note', () => {
    const a = rec('1', { firstName: 'Анна', lastName: 'Петрова', phones: ['+79161234567'] });
    const swapped = rec('2', { firstName: 'Петрова', lastName: 'Анна', phones: ['89161234567'] });
    const score = explainPair(a, swapped, model);
    assert.equal(score.decision, 'auto-merge');
    assert.equal(level(score, 'firstName'), 'exact');
    assert.equal(level(score, 'lastName'), 'exact');
    assert.match(contribution(score, 'firstName').note ?? '', /swapped in b/);
    // Only the first name on one side, both names the other way round on the other.
    const onlyFirst = rec('3', { firstName: 'Анна', phones: ['+79161234567'] });
    const turned = explainPair(onlyFirst, swapped, model);
    assert.equal(level(turned, 'firstName'), 'exact');
    assert.equal(turned.decision, 'auto-merge');
    const oneField = rec('4', { firstName: 'Петрова Анна Сергеевна', phones: ['+79161234567'] });
    assert.equal(explainPair(a, oneField, model).decision, 'auto-merge');
  });

  test('a typo in the first name is fuzzy, not a contradiction', () => {
    const a = rec('1', { firstName: 'Николай', lastName: 'Волков', phones: ['+79161234567'] });
    for (const typo of ['Ниолай', 'Никола', 'Нкиолай', 'Nikolaj']) {
      const score = explainPair(
        a,
        rec('2', { firstName: typo, lastName: 'Волков', phones: ['+79161234567'] }),
        model,
      );
      assert.deepEqual(score.contradictions, [], typo);
      assert.equal(score.decision, 'auto-merge', typo);
    }
    const ilya = explainPair(
      rec('1', { firstName: 'Илья', lastName: 'Сидоров', phones: ['+79161234567'] }),
      rec('2', { firstName: 'Иоья', lastName: 'Сидоров', phones: ['+79161234567'] }),
      model,
    );
    assert.equal(level(ilya, 'firstName'), 'fuzzy-low', 'a neighbour key in a short name');
  });

  test('a birthday typo or day and month swapped is close, not a contradiction', () => {
    const a = rec('1', {
      firstName: 'Анна',
      lastName: 'Петрова',
      birthday: '1985-03-12',
      phones: ['+79161234567'],
    });
    for (const birthday of ['1985-12-03', '1985-03-13', '1958-03-12']) {
      const score = explainPair(
        a,
        rec('2', { firstName: 'Анна', lastName: 'Петрова', birthday, phones: ['+79161234567'] }),
        model,
      );
      assert.equal(level(score, 'birthday'), 'close', birthday);
      assert.equal(score.decision, 'auto-merge', birthday);
    }
  });

  test('a legal entity by its tax id, whatever the legal form and quotes', () => {
    const a = rec('1', {
      type: 'legal',
      companyName: 'ООО «Ромашка»',
      taxId: '7707083893',
      phones: ['+74951234567'],
    });
    const b = rec('2', { type: 'legal', companyName: 'Ромашка ООО', taxId: '7707083893' });
    const score = explainPair(a, b, model);
    assert.equal(level(score, 'company'), 'exact');
    assert.equal(level(score, 'taxId'), 'exact');
    assert.equal(score.decision, 'auto-merge');
  });
});

describe('scoring: look-alikes are never merged automatically', () => {
  test('a family sharing a phone and a flat: at most a suggestion, with the contradictions named', () => {
    const father = rec('1', { ...family.father, ...family.home });
    const mother = rec('2', { ...family.mother, ...family.home });
    const son = rec('3', { ...family.son, ...family.home, emails: ['ivanovy@mail.ru'] });
    const fatherWithEmail = rec('4', { ...family.father, ...family.home, emails: ['ivanovy@mail.ru'] });
    for (const [x, y] of [
      [father, mother],
      [father, son],
      [mother, son],
      [fatherWithEmail, son],
    ]) {
      const score = explainPair(x, y, model);
      assert.notEqual(score.decision, 'auto-merge', `${x.first} / ${y.first}`);
      assert.ok(
        score.contradictions.includes('firstName'),
        `${x.first} / ${y.first}: ${score.contradictions}`,
      );
      assert.equal(level(score, 'phone'), 'exact');
    }
    // Phone, flat, surname and email all agree, strong enough to merge were it not for three
    // contradictions: another person, distinct.
    const strong = explainPair(fatherWithEmail, son, model);
    assert.ok(strong.weight >= model.config.thresholds.autoMerge, `weight ${strong.weight}`);
    assert.deepEqual(strong.contradictions.sort(), ['birthday', 'firstName', 'patronymic']);
    assert.equal(strong.decision, 'distinct');
    // Without birthdays and patronymics only the first name contradicts: a manager is asked.
    const bare = explainPair(
      rec('5', { firstName: 'Сергей', lastName: 'Иванов', ...family.home, emails: ['ivanovy@mail.ru'] }),
      rec('6', { firstName: 'Павел', lastName: 'Иванов', ...family.home, emails: ['ivanovy@mail.ru'] }),
      model,
    );
    assert.deepEqual(bare.contradictions, ['firstName']);
    assert.equal(bare.decision, 'suggest');
    // A site that wants every look-alike in front of a manager says so.
    const curious = compileModel(resolveMatchConfig({ thresholds: { suggestMaxContradictions: 10 } }));
    assert.equal(explainPair(fatherWithEmail, son, curious).decision, 'suggest');
  });

  test('same phone, clearly different first name and nothing else: at most a suggestion', () => {
    const a = rec('1', { firstName: 'Мария', phones: ['+79161234567'] });
    const b = rec('2', { firstName: 'Ольга', phones: ['+79161234567'] });
    const score = explainPair(a, b, model);
    assert.notEqual(score.decision, 'auto-merge');
    assert.deepEqual(score.contradictions, ['firstName']);
  });

  test('a husband and wife of similar names (Александр / Александра) differ by sex and name', () => {
    const score = explainPair(
      rec('1', { firstName: 'Александр', lastName: 'Иванов', phones: ['+79161234567'] }),
      rec('2', { firstName: 'Александра', lastName: 'Иванова', phones: ['+79161234567'] }),
      model,
    );
    assert.deepEqual(score.contradictions.sort(), ['firstName', 'sex']);
    assert.notEqual(score.decision, 'auto-merge');
  });

  test('two different known first names are different, however alike (Алексей / Александр)', () => {
    const score = explainPair(
      rec('1', { firstName: 'Алексей', lastName: 'Калинин', phones: ['+79161234567'] }),
      rec('2', { firstName: 'Александр', lastName: 'Калинин', phones: ['+79161234567'] }),
      model,
    );
    assert.equal(level(score, 'firstName'), 'different');
    assert.notEqual(score.decision, 'auto-merge');
  });

  test('a namesake with the same phone but another birthday: at most a suggestion', () => {
    const score = explainPair(
      rec('1', { firstName: 'Иван', lastName: 'Петров', birthday: '1960-01-01', phones: ['+79161234567'] }),
      rec('2', { firstName: 'Иван', lastName: 'Петров', birthday: '1990-06-15', phones: ['+79161234567'] }),
      model,
    );
    assert.deepEqual(score.contradictions, ['birthday']);
    assert.equal(score.decision, 'suggest');
  });

  test('companies in one business centre (office phone, address) with other names and tax ids', () => {
    const office = { phones: ['+7 495 123-45-67'], city: 'Москва', address: 'Пресненская наб., д. 12' };
    const score = explainPair(
      rec('1', { type: 'legal', companyName: 'ООО Ромашка', taxId: '7707083893', ...office }),
      rec('2', { type: 'legal', companyName: 'АО Лютик', taxId: '500100732259', ...office }),
      model,
    );
    assert.deepEqual(score.contradictions.sort(), ['company', 'taxId']);
    assert.notEqual(score.decision, 'auto-merge');
  });

  test('a person and a company are never merged automatically', () => {
    const score = explainPair(
      rec('1', { firstName: 'Анна', lastName: 'Петрова', phones: ['+79161234567'], emails: ['a@b.ru'] }),
      rec('2', {
        type: 'legal',
        companyName: 'ИП Петрова',
        firstName: 'Анна',
        lastName: 'Петрова',
        phones: ['+79161234567'],
        emails: ['a@b.ru'],
      }),
      model,
    );
    assert.ok(score.contradictions.includes('type'));
    assert.equal(score.decision, 'suggest');
  });
});

describe('scoring: weights and explanations', () => {
  test('the weight is the prior plus every contribution; missing fields are listed and weigh 0', () => {
    const score = explainPair(
      rec('1', { firstName: 'Анна', phones: ['+79161234567'] }),
      rec('2', { firstName: 'Анна', emails: ['a@b.ru'] }),
      model,
    );
    const sum = score.contributions.reduce((s, c) => s + c.weight, model.prior);
    assert.ok(Math.abs(sum - score.weight) < 1e-9);
    for (const field of ['phone', 'email', 'lastName', 'birthday', 'address', 'taxId']) {
      assert.deepEqual(contribution(score, field), { field, level: 'missing', weight: 0 });
    }
    assert.equal(new Set(score.contributions.map((c) => c.field)).size, score.contributions.length);
  });

  test('symmetric: a with b scores as b with a', () => {
    const x = rec('1', { ...family.father, ...family.home, emails: ['x@y.ru'] });
    const y = rec('2', {
      firstName: 'Serge',
      lastName: 'Ivanov',
      phones: ['84951234567', '+79160000000'],
      birthday: '1970-01-05',
    });
    assert.ok(Math.abs(explainPair(x, y, model).weight - explainPair(y, x, model).weight) < 1e-9);
  });

  test('log2(m/u) per level: exact phone, one digit off, different', () => {
    const { m, u } = model.config.fields.phone.exact;
    const base = { firstName: 'Анна' };
    const exact = explainPair(
      rec('1', { ...base, phones: ['+79161234567'] }),
      rec('2', { ...base, phones: ['+79161234567'] }),
      model,
    );
    assert.equal(contribution(exact, 'phone').weight, Math.log2(m / u));
    const typo = explainPair(
      rec('1', { ...base, phones: ['+79161234567'] }),
      rec('2', { ...base, phones: ['+79161234568'] }),
      model,
    );
    assert.equal(level(typo, 'phone'), 'one-edit');
    const other = explainPair(
      rec('1', { ...base, phones: ['+79161234567'] }),
      rec('2', { ...base, phones: ['+79031112233'] }),
      model,
    );
    assert.ok(contribution(other, 'phone').weight < 0);
  });

  test('a phone held by many records weighs less, and says so', () => {
    const a = rec('1', { firstName: 'Анна', phones: ['+74951234567'] });
    const b = rec('2', { firstName: 'Анна', phones: ['+74951234567'] });
    const alone = contribution(explainPair(a, b, model, { phoneHolders: () => 2 }), 'phone');
    const shared = contribution(explainPair(a, b, model, { phoneHolders: () => 24 }), 'phone');
    assert.equal(alone.note, undefined);
    assert.ok(Math.abs(alone.weight - shared.weight - Math.log2(24 / 3)) < 1e-9);
    assert.equal(shared.note, 'held by 24 records');
  });

  test('term frequencies: a common surname weighs less than a rare one', () => {
    const tf: TermFrequencies = {
      firstName: () => undefined,
      lastName: (key) => (key === 'ivanov' ? 0.013 : 0.00001),
    };
    const common = explainPair(rec('1', { lastName: 'Иванов' }), rec('2', { lastName: 'Иванов' }), model, {
      tf,
    });
    const rare = explainPair(rec('1', { lastName: 'Зиновьев' }), rec('2', { lastName: 'Зиновьев' }), model, {
      tf,
    });
    assert.ok(contribution(common, 'lastName').weight < contribution(rare, 'lastName').weight);
    assert.equal(contribution(common, 'lastName').note, 'term frequency');
    const m = model.config.fields.lastName.exact.m;
    assert.ok(Math.abs(contribution(common, 'lastName').weight - Math.log2(m / 0.013)) < 1e-9);
    const off = compileModel(resolveMatchConfig({ termFrequency: { lastName: false } }));
    assert.equal(
      contribution(
        explainPair(rec('1', { lastName: 'Иванов' }), rec('2', { lastName: 'Иванов' }), off, { tf }),
        'lastName',
      ).note,
      undefined,
    );
  });

  test('thresholds are per site: the same pair merges on one site and is suggested on a stricter one', () => {
    const a = rec('1', { firstName: 'Анна', lastName: 'Петрова', phones: ['+79161234567'] });
    const b = rec('2', { firstName: 'Анна', lastName: 'Петрова', phones: ['89161234567'] });
    const lenient = explainPair(a, b, model);
    assert.equal(lenient.decision, 'auto-merge');
    const strict = compileModel(
      resolveMatchConfig({ thresholds: { autoMerge: lenient.weight + 1, suggest: 0 } }),
    );
    assert.equal(explainPair(a, b, strict).decision, 'suggest');
    const blind = compileModel(resolveMatchConfig({ thresholds: { autoMerge: 1000, suggest: 999 } }));
    assert.equal(explainPair(a, b, blind).decision, 'distinct');
  });

  test('decide: a contradiction caps at a suggestion, two make distinct; thresholds are inclusive', () => {
    const { autoMerge, suggest } = model.config.thresholds;
    assert.equal(decide(autoMerge, 0, model), 'auto-merge');
    assert.equal(decide(autoMerge + 50, 1, model), 'suggest');
    assert.equal(decide(autoMerge + 50, 0b101, model), 'distinct');
    assert.equal(decide(suggest, 0, model), 'suggest');
    assert.equal(decide(suggest - 0.01, 0, model), 'distinct');
    assert.equal(decide(suggest - 0.01, 1, model), 'distinct');
    assert.equal(probabilityOf(0), 0.5);
    assert.equal(probabilityOf(2000), 1);
  });
});
