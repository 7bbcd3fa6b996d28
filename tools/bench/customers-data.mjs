// A labelled synthetic customer base for the identity-resolution benchmark: customers (the truth,
// one `entity` each) rendered as one or more profile records with the noise shops see. Used by
// customers-generate.mjs (writes NDJSON) and customers-dedup-bench.mjs (generates in memory).
//
// What makes it hard, on purpose:
// - duplicates: typos (keyboard neighbours, dropped, doubled, swapped letters), Latin
//   transliterations in three schemes, diminutives, initials, first and last names swapped or typed
//   into one field, a married woman's new surname, phone formats with and without 8 / +7 / brackets,
//   changed or extra phones and emails, gmail dots and case, address formats and abbreviations,
//   moves, missing fields, birthday typos;
// - look-alikes that are different customers: family members sharing a phone, an address, a surname
//   and sometimes an email, with other first names and birthdays (and now and then a son named after
//   his father); companies sharing a business centre's phone and address, with other tax numbers;
//   namesakes (common names in big cities); foreign customers with their own phone formats.
//
// Everything comes from one seeded generator, so a seed and a size always give the same base.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

// ---------------------------------------------------------------- random

/** sfc32: small, fast, good enough for test data, and seedable. */
export function rng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162 ^ (seed * 17);
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  const r = {
    next,
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += Math.floor(next() * 10);
      return s;
    },
    /** A picker over weighted items ([item, weight] pairs), by binary search on the cumulative weights. */
    weighted: (pairs) => {
      const cum = [];
      let total = 0;
      for (const [, w] of pairs) cum.push((total += w));
      return () => {
        const x = next() * total;
        let lo = 0;
        let hi = cum.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] > x) hi = mid;
          else lo = mid + 1;
        }
        return pairs[lo][0];
      };
    },
  };
  return r;
}

// ---------------------------------------------------------------- names

// Male first names with a rough share, and the patronymics they give (son, daughter).
const MALE = [
  ['Александр', 9, 'Александрович', 'Александровна'],
  ['Сергей', 8, 'Сергеевич', 'Сергеевна'],
  ['Дмитрий', 7, 'Дмитриевич', 'Дмитриевна'],
  ['Андрей', 7, 'Андреевич', 'Андреевна'],
  ['Алексей', 6, 'Алексеевич', 'Алексеевна'],
  ['Максим', 5, 'Максимович', 'Максимовна'],
  ['Евгений', 4, 'Евгеньевич', 'Евгеньевна'],
  ['Иван', 5, 'Иванович', 'Ивановна'],
  ['Михаил', 4, 'Михайлович', 'Михайловна'],
  ['Артём', 4, 'Артёмович', 'Артёмовна'],
  ['Николай', 3, 'Николаевич', 'Николаевна'],
  ['Владимир', 4, 'Владимирович', 'Владимировна'],
  ['Павел', 3, 'Павлович', 'Павловна'],
  ['Роман', 3, 'Романович', 'Романовна'],
  ['Денис', 3, 'Денисович', 'Денисовна'],
  ['Игорь', 3, 'Игоревич', 'Игоревна'],
  ['Юрий', 2, 'Юрьевич', 'Юрьевна'],
  ['Олег', 2, 'Олегович', 'Олеговна'],
  ['Виктор', 2, 'Викторович', 'Викторовна'],
  ['Кирилл', 2, 'Кириллович', 'Кирилловна'],
  ['Антон', 2, 'Антонович', 'Антоновна'],
  ['Илья', 2, 'Ильич', 'Ильинична'],
  ['Константин', 2, 'Константинович', 'Константиновна'],
  ['Вадим', 1, 'Вадимович', 'Вадимовна'],
  ['Григорий', 1, 'Григорьевич', 'Григорьевна'],
  ['Пётр', 1, 'Петрович', 'Петровна'],
  ['Фёдор', 1, 'Фёдорович', 'Фёдоровна'],
  ['Георгий', 1, 'Георгиевич', 'Георгиевна'],
  ['Василий', 1, 'Васильевич', 'Васильевна'],
  ['Анатолий', 1, 'Анатольевич', 'Анатольевна'],
  ['Никита', 2, 'Никитич', 'Никитична'],
  ['Егор', 2, 'Егорович', 'Егоровна'],
  ['Тимур', 1, 'Тимурович', 'Тимуровна'],
  ['Руслан', 1, 'Русланович', 'Руслановна'],
  ['Станислав', 1, 'Станиславович', 'Станиславовна'],
  ['Вячеслав', 1, 'Вячеславович', 'Вячеславовна'],
  ['Борис', 1, 'Борисович', 'Борисовна'],
  ['Семён', 1, 'Семёнович', 'Семёновна'],
  ['Ярослав', 1, 'Ярославович', 'Ярославовна'],
  ['Глеб', 1, 'Глебович', 'Глебовна'],
];
const FEMALE = [
  ['Елена', 8],
  ['Ольга', 7],
  ['Наталья', 7],
  ['Татьяна', 6],
  ['Анна', 7],
  ['Мария', 6],
  ['Екатерина', 6],
  ['Ирина', 6],
  ['Светлана', 5],
  ['Юлия', 5],
  ['Анастасия', 5],
  ['Марина', 4],
  ['Дарья', 4],
  ['Алёна', 3],
  ['Ксения', 3],
  ['Виктория', 3],
  ['Людмила', 2],
  ['Галина', 2],
  ['Надежда', 2],
  ['Валентина', 1],
  ['Любовь', 1],
  ['Полина', 3],
  ['Софья', 2],
  ['Алина', 3],
  ['Вера', 1],
  ['Евгения', 2],
  ['Кристина', 2],
  ['Оксана', 2],
  ['Лариса', 1],
  ['Маргарита', 1],
  ['Александра', 2],
  ['Яна', 1],
  ['Жанна', 1],
  ['Валерия', 2],
  ['Диана', 1],
  ['Вероника', 1],
  ['Елизавета', 2],
];
const DIMINUTIVE = {
  Александр: ['Саша', 'Шура'],
  Александра: ['Саша'],
  Алексей: ['Лёша', 'Алёша'],
  Анатолий: ['Толя'],
  Андрей: ['Андрюша'],
  Анна: ['Аня'],
  Анастасия: ['Настя'],
  Борис: ['Боря'],
  Василий: ['Вася'],
  Виктор: ['Витя'],
  Виктория: ['Вика'],
  Владимир: ['Вова', 'Володя'],
  Галина: ['Галя'],
  Георгий: ['Жора'],
  Григорий: ['Гриша'],
  Дмитрий: ['Дима'],
  Евгений: ['Женя'],
  Евгения: ['Женя'],
  Екатерина: ['Катя'],
  Елена: ['Лена'],
  Елизавета: ['Лиза'],
  Иван: ['Ваня'],
  Ирина: ['Ира'],
  Константин: ['Костя'],
  Ксения: ['Ксюша'],
  Любовь: ['Люба'],
  Людмила: ['Люда'],
  Мария: ['Маша'],
  Михаил: ['Миша'],
  Надежда: ['Надя'],
  Наталья: ['Наташа'],
  Николай: ['Коля'],
  Ольга: ['Оля'],
  Павел: ['Паша'],
  Пётр: ['Петя'],
  Светлана: ['Света'],
  Станислав: ['Стас'],
  Татьяна: ['Таня'],
  Юлия: ['Юля'],
  Юрий: ['Юра'],
};
// Surnames: common ones first (Zipf weights), then many built from roots for the long tail.
const COMMON_SURNAMES = (
  'Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков ' +
  'Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин ' +
  'Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов ' +
  'Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв ' +
  'Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов ' +
  'Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов ' +
  'Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов ' +
  'Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев ' +
  'Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Потапов Журавлёв Овчинников ' +
  'Трофимов Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Грачёв Котов Гришин ' +
  'Ефремов Архипов Громов Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов ' +
  'Анисимов Ерёмин Тихомиров Галкин Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов ' +
  'Прокофьев Харитонов Князев Цветков Левин Митрофанов Воронов Аксёнов Софронов Мальцев Логинов ' +
  'Горшков Савин Краснов Майоров Демидов Елисеев Рыбаков Сафонов Плотников Дёмин Хохлов Жданов ' +
  'Щукин Шевченко Бондаренко Коваленко Ткаченко Кравченко Олейник Мельник Шевчук Полищук Ковальчук ' +
  'Рыжов Хабаров Шубин Шилов Шестаков Чистяков Шарапов Цыганков Юсупов Ахмедов Хасанов Гарипов'
).split(' ');
const ROOTS = (
  'Берез Бел Бобр Богат Болот Бор Брусник Буд Быстр Валуй Ветр Вишн Водян Волн Вольн Ворон Гвозд Глух ' +
  'Гол Горш Гром Груш Дуб Ерш Жар Желуд Звон Зим Зуб Калач Камен Кедр Клён Ключ Колос Кос Крупен ' +
  'Кузов Лапт Лес Лип Луков Мак Малин Мох Мороз Мост Ног Овраж Огон Озер Ольх Орех Остр Пахом Пес ' +
  'Пестр Плот Полян Пух Пшен Рак Реп Рог Рос Ряб Сад Сверч Свет Сед Сок Солом Сом Сосн Стрел Сух ' +
  'Тесл Топол Трав Туман Тур Угл Ух Хлеб Холм Цвет Чай Черемх Шил Шишк Щеглов Юр Ягод Ясен Ястреб ' +
  'Бурл Вед Дорош Жил Завал Ивашк Кирп Лоб Мух Нечай Пан Рудн Сав Твер Уш Фил Харч Чуб Шум Щит'
).split(' ');
const SUFFIXES = ['ов', 'ин', 'ев', 'ский', 'енко', 'ук', 'ников', 'анов'];
const FOREIGN_FIRST_M = [
  'John',
  'Michael',
  'David',
  'Thomas',
  'Peter',
  'Daniel',
  'Lukas',
  'Stefan',
  'James',
  'Robert',
];
const FOREIGN_FIRST_F = [
  'Anna',
  'Maria',
  'Emma',
  'Laura',
  'Sarah',
  'Julia',
  'Lisa',
  'Hannah',
  'Emily',
  'Sophie',
];
const FOREIGN_LAST = [
  'Smith',
  'Johnson',
  'Brown',
  'Miller',
  'Wilson',
  'Taylor',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
];

// ---------------------------------------------------------------- places

// City, its Latin name, share, and the street list it draws from (all cities share one list: big
// ones just have more customers per street).
const CITIES = [
  ['Москва', 'Moscow', 16],
  ['Санкт-Петербург', 'Saint Petersburg', 8],
  ['Новосибирск', 'Novosibirsk', 3],
  ['Екатеринбург', 'Yekaterinburg', 3],
  ['Казань', 'Kazan', 3],
  ['Нижний Новгород', 'Nizhny Novgorod', 3],
  ['Челябинск', 'Chelyabinsk', 2],
  ['Самара', 'Samara', 2],
  ['Омск', 'Omsk', 2],
  ['Ростов-на-Дону', 'Rostov-on-Don', 2],
  ['Уфа', 'Ufa', 2],
  ['Красноярск', 'Krasnoyarsk', 2],
  ['Воронеж', 'Voronezh', 2],
  ['Пермь', 'Perm', 2],
  ['Волгоград', 'Volgograd', 2],
  ['Краснодар', 'Krasnodar', 2],
  ['Саратов', 'Saratov', 1],
  ['Тюмень', 'Tyumen', 1],
  ['Тольятти', 'Togliatti', 1],
  ['Ижевск', 'Izhevsk', 1],
  ['Барнаул', 'Barnaul', 1],
  ['Ульяновск', 'Ulyanovsk', 1],
  ['Иркутск', 'Irkutsk', 1],
  ['Хабаровск', 'Khabarovsk', 1],
  ['Ярославль', 'Yaroslavl', 1],
  ['Владивосток', 'Vladivostok', 1],
  ['Махачкала', 'Makhachkala', 1],
  ['Томск', 'Tomsk', 1],
  ['Оренбург', 'Orenburg', 1],
  ['Кемерово', 'Kemerovo', 1],
  ['Рязань', 'Ryazan', 1],
  ['Астрахань', 'Astrakhan', 1],
  ['Пенза', 'Penza', 1],
  ['Липецк', 'Lipetsk', 1],
  ['Тула', 'Tula', 1],
  ['Киров', 'Kirov', 1],
  ['Чебоксары', 'Cheboksary', 1],
  ['Калининград', 'Kaliningrad', 1],
  ['Подольск', 'Podolsk', 1],
  ['Химки', 'Khimki', 1],
  ['Мытищи', 'Mytishchi', 1],
  ['Сочи', 'Sochi', 1],
];
const STREETS = (
  'Ленина Мира Советская Гагарина Садовая Тверская Пушкина Лесная Школьная Молодёжная Центральная ' +
  'Октябрьская Новая Зелёная Солнечная Комсомольская Победы Кирова Чехова Лермонтова Горького Маяковского ' +
  'Некрасова Калинина Свердлова Жукова Строителей Северная Южная Первомайская Пролетарская Московская ' +
  'Гоголя Толстого Суворова Кутузова Есенина Рабочая Полевая Речная Луговая Заводская Вокзальная ' +
  'Набережная Дружбы Юбилейная Парковая Береговая Фрунзе Чкалова Дзержинского Куйбышева Мичурина Островского'
).split(' ');
const STREET_TYPES = [
  ['ул.', 'улица', 'ul.', 8],
  ['пр-т', 'проспект', 'prospekt', 1],
  ['пер.', 'переулок', 'per.', 1],
];

// ---------------------------------------------------------------- transliteration and typos

const SCHEMES = [
  // ICAO (passports since 2013)
  {
    й: 'i',
    ю: 'iu',
    я: 'ia',
    ё: 'e',
    х: 'kh',
    ц: 'ts',
    щ: 'shch',
    ж: 'zh',
    ч: 'ch',
    ш: 'sh',
    ы: 'y',
    ъ: 'ie',
    ь: '',
    э: 'e',
    е: 'e',
  },
  // BGN/PCGN
  {
    й: 'y',
    ю: 'yu',
    я: 'ya',
    ё: 'yo',
    х: 'kh',
    ц: 'ts',
    щ: 'shch',
    ж: 'zh',
    ч: 'ch',
    ш: 'sh',
    ы: 'y',
    ъ: '',
    ь: "'",
    э: 'e',
    е: 'e',
  },
  // informal
  {
    й: 'j',
    ю: 'ju',
    я: 'ja',
    ё: 'jo',
    х: 'h',
    ц: 'c',
    щ: 'sch',
    ж: 'zh',
    ч: 'ch',
    ш: 'sh',
    ы: 'y',
    ъ: '',
    ь: '',
    э: 'e',
    е: 'e',
  },
];
const BASIC = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  з: 'z',
  и: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
};

function translit(text, scheme) {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const t = scheme[lower] ?? BASIC[lower];
    if (t === undefined) out += ch;
    else out += ch === lower ? t : t.charAt(0).toUpperCase() + t.slice(1);
  }
  return out;
}

const KEYBOARD_RU = ['йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю'];
const KEYBOARD_EN = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

function neighbour(r, ch) {
  for (const rows of [KEYBOARD_RU, KEYBOARD_EN]) {
    for (const row of rows) {
      const i = row.indexOf(ch);
      if (i >= 0) return row[i === 0 ? 1 : i === row.length - 1 ? i - 1 : r.chance(0.5) ? i - 1 : i + 1];
    }
  }
  return ch;
}

/** One typing mistake away from the word, never in its first letter. */
function typo(r, word) {
  if (word.length < 4) return word;
  const i = r.int(1, word.length - 2);
  const lower = word[i].toLowerCase();
  switch (r.int(0, 3)) {
    case 0:
      return word.slice(0, i) + neighbour(r, lower) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + word.slice(i + 1);
    case 2:
      return word.slice(0, i) + word[i] + word.slice(i);
    default:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  }
}

function feminine(surname) {
  if (/(ов|ев|ёв|ин|ын)$/.test(surname)) return `${surname}а`;
  if (surname.endsWith('ский')) return `${surname.slice(0, -4)}ская`;
  return surname; // -енко, -ук and foreign surnames do not change
}

// ---------------------------------------------------------------- phones and ids

function mobileRU(r) {
  return `+79${r.pick(['0', '1', '2', '3', '5', '6', '8', '9'])}${r.digits(8)}`;
}

const FOREIGN = [
  // [region, E.164 builder, share]
  ['KZ', (r) => `+77${r.pick(['01', '02', '05', '07', '47', '71', '77'])}${r.digits(7)}`, 3],
  ['BY', (r) => `+375${r.pick(['29', '33', '44', '25'])}${r.int(1, 9)}${r.digits(6)}`, 3],
  ['UA', (r) => `+380${r.pick(['50', '67', '63', '66', '73', '93', '97'])}${r.int(1, 9)}${r.digits(6)}`, 2],
  ['DE', (r) => `+4915${r.pick(['1', '2', '7', '9'])}${r.digits(8)}`, 1],
  ['US', (r) => `+1${r.pick(['212', '415', '646', '917', '310'])}${r.int(2, 9)}${r.digits(6)}`, 1],
  ['GB', (r) => `+447${r.pick(['4', '5', '7', '8', '9'])}${r.digits(8)}`, 1],
];

/** A valid E.164 number for the region (retries the rare invalid draw). */
function phoneFor(r, region) {
  const builder = region === 'RU' ? mobileRU : FOREIGN.find(([x]) => x === region)[1];
  for (;;) {
    const e164 = builder(r);
    const parsed = parsePhoneNumberFromString(e164);
    if (parsed?.isValid()) return e164;
  }
}

/** The ways people type a Russian mobile number. */
function formatRU(r, e164) {
  const d = e164.slice(2); // 10 digits
  const [a, b, c, e] = [d.slice(0, 3), d.slice(3, 6), d.slice(6, 8), d.slice(8)];
  return r.pick([
    `+7 (${a}) ${b}-${c}-${e}`,
    `8 (${a}) ${b}-${c}-${e}`,
    `8${d}`,
    `+7${d}`,
    `8-${a}-${b}-${c}-${e}`,
    `7 ${a} ${b} ${c} ${e}`,
    `${a} ${b} ${c} ${e}`,
    `8 ${a} ${b}${c}${e}`,
    `+7-${a}-${b}-${c}${e}`,
    `+7 ${a} ${b} ${c} ${e}`,
  ]);
}

function formatInternational(r, e164) {
  const parsed = parsePhoneNumberFromString(e164);
  const intl = parsed.formatInternational();
  return r.pick([intl, e164, intl.replace(/ /g, '-'), `00${e164.slice(1)}`, intl.replace(/^\+/, '+ ')]);
}

function formatPhone(r, e164) {
  return e164.startsWith('+79') ? formatRU(r, e164) : formatInternational(r, e164);
}

/** A Russian ИНН with valid check digits: 10 digits for a company. */
function innCompany(r) {
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const d = r.digits(9);
  let s = 0;
  for (let i = 0; i < 9; i++) s += w[i] * Number(d[i]);
  return `${d}${(s % 11) % 10}`;
}

// ---------------------------------------------------------------- companies

const COMPANY_A = (
  'Техно Строй Агро Торг Мед Энерго Нефте Авто Лес Пром Евро Сиб Урал Волга Спец Инвест Альфа Бета Гамма ' +
  'Дельта Вектор Гранит Кварц Меридиан Орион Полюс Ресурс Сигма Трансп Форвард Эко Юни Нова Прайм Старт'
).split(' ');
const COMPANY_B = (
  'сервис маркет снаб логистик проект групп холдинг трейд системс инжиниринг консалт комплект поставка ' +
  'технологии развитие центр ресурс альянс'
).split(' ');
const LEGAL_FORMS = ['ООО', 'АО', 'ИП', 'ПАО'];

// ---------------------------------------------------------------- customers (the truth)

function makeContext(seed) {
  const r = rng(seed);
  const maleName = r.weighted(MALE.map((m) => [m, m[1]]));
  const femaleName = r.weighted(FEMALE.map((f) => [f, f[1]]));
  const tail = [];
  for (const root of ROOTS) for (const suffix of SUFFIXES) tail.push(root + suffix);
  const surname = r.weighted([
    ...COMMON_SURNAMES.map((s, i) => [s, 60 / (i + 8)]),
    ...tail.map((s) => [s, 0.02]),
  ]);
  const city = r.weighted(CITIES.map((c) => [c, c[2]]));
  const foreign = r.weighted(FOREIGN.map((f) => [f[0], f[2]]));
  const streetType = r.weighted(STREET_TYPES.map((t) => [t, t[3]]));
  return { r, maleName, femaleName, surname, city, foreign, streetType, usedEmails: new Set() };
}

function birthday(r, fromYear, toYear) {
  const y = r.int(fromYear, toYear);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function address(ctx) {
  const { r } = ctx;
  const [cityRu, cityEn] = ctx.city();
  return {
    cityRu,
    cityEn,
    street: r.pick(STREETS),
    streetType: ctx.streetType(),
    house: `${r.int(1, 150)}${r.chance(0.08) ? r.pick(['а', 'б', 'к2', '/1']) : ''}`,
    flat: r.chance(0.8) ? String(r.int(1, 300)) : undefined,
  };
}

function emailFor(ctx, first, last, year) {
  const { r } = ctx;
  const f = translit(first, SCHEMES[1]).toLowerCase().replace(/'/g, '');
  const l = translit(last, SCHEMES[1]).toLowerCase().replace(/'/g, '');
  for (;;) {
    const local = r.pick([
      `${f}.${l}`,
      `${f}${l}`,
      `${l}.${f}`,
      `${f[0]}${l}`,
      `${l}${year ?? ''}`,
      `${f}_${l}`,
      `${l}${r.int(1, 999)}`,
    ]);
    const domain = r.pick([
      'gmail.com',
      'gmail.com',
      'yandex.ru',
      'yandex.ru',
      'mail.ru',
      'mail.ru',
      'mail.ru',
      'bk.ru',
      'list.ru',
      'inbox.ru',
      'rambler.ru',
      'outlook.com',
    ]);
    const email = `${local}${r.chance(0.5) ? r.int(1, 99) : ''}@${domain}`;
    const key = email.replace(/\./g, '');
    if (!ctx.usedEmails.has(key)) {
      ctx.usedEmails.add(key);
      return email;
    }
  }
}

function person(ctx, over = {}) {
  const { r } = ctx;
  const foreignRegion = r.chance(0.04) ? ctx.foreign() : undefined;
  const sex = over.sex ?? (r.chance(0.55) ? 'f' : 'm');
  let first, last, patronymic;
  if (foreignRegion !== undefined && ['DE', 'US', 'GB'].includes(foreignRegion)) {
    first = r.pick(sex === 'f' ? FOREIGN_FIRST_F : FOREIGN_FIRST_M);
    last = over.lastMale ?? r.pick(FOREIGN_LAST);
  } else {
    first = over.first ?? (sex === 'f' ? ctx.femaleName()[0] : ctx.maleName()[0]);
    const lastMale = over.lastMale ?? ctx.surname();
    last = sex === 'f' ? feminine(lastMale) : lastMale;
    const father = over.father ?? ctx.maleName();
    patronymic = sex === 'f' ? father[3] : father[2];
  }
  const bd = over.birthday ?? birthday(r, 1945, 2006);
  const region = foreignRegion ?? 'RU';
  const phones = over.phones ?? [phoneFor(r, region)];
  const email = over.email ?? (r.chance(0.65) ? emailFor(ctx, first, last, bd.slice(0, 4)) : undefined);
  return {
    type: 'individual',
    sex,
    first,
    last,
    lastMale: over.lastMale,
    patronymic,
    birthday: r.chance(0.7) ? bd : undefined,
    phones,
    email,
    address: over.address ?? address(ctx),
    region,
  };
}

/** A household: 2-4 people sharing a surname, an address and a phone (and sometimes an email). */
function household(ctx) {
  const { r } = ctx;
  const lastMale = ctx.surname();
  const home = address(ctx);
  const shared = phoneFor(r, 'RU');
  const father = ctx.maleName();
  const size = r.int(2, 4);
  const members = [];
  const parentYear = r.int(1950, 1985);
  const sharedEmail = r.chance(0.15) ? emailFor(ctx, 'Семья', lastMale) : undefined;
  let namesakes = 0;
  for (let i = 0; i < size; i++) {
    const sex = i === 0 ? 'm' : i === 1 ? 'f' : r.chance(0.5) ? 'm' : 'f';
    // Now and then a son is named after his father: same first name, his own birthday and patronymic.
    const namesake = i >= 2 && sex === 'm' && namesakes === 0 && r.chance(0.05);
    if (namesake) namesakes++;
    const grandfather = ctx.maleName();
    // Parents do not give two children one name: draw until the name is new in the family.
    let first = namesake ? members[0].first : undefined;
    while (first === undefined || (!namesake && members.some((x) => x.first === first))) {
      first = sex === 'f' ? ctx.femaleName()[0] : ctx.maleName()[0];
      if (i === 0) first = father[0];
    }
    const m = person(ctx, {
      sex,
      lastMale,
      first,
      father: i < 2 ? grandfather : father,
      birthday:
        i < 2
          ? birthday(r, parentYear - 3, parentYear + 3)
          : birthday(r, parentYear + 20, Math.min(parentYear + 35, 2008)),
      phones:
        i === 0 || r.chance(0.7)
          ? [shared, ...(r.chance(0.6) ? [phoneFor(r, 'RU')] : [])]
          : [phoneFor(r, 'RU')],
      email: sharedEmail !== undefined && r.chance(0.7) ? sharedEmail : undefined,
      address: home,
    });
    members.push(m);
  }
  return members;
}

/** Companies: sometimes several in one business centre, sharing its phone and address. */
function companies(ctx) {
  const { r } = ctx;
  const centre = r.chance(0.25);
  const n = centre ? r.int(2, 5) : 1;
  const addr = address(ctx);
  const office = phoneFor(r, 'RU');
  const out = [];
  for (let i = 0; i < n; i++) {
    const name = `${r.pick(COMPANY_A)}${r.pick(COMPANY_B)}${r.chance(0.3) ? `-${r.int(1, 99)}` : ''}`;
    out.push({
      type: 'legal',
      form: r.pick(LEGAL_FORMS),
      company: name.charAt(0).toUpperCase() + name.slice(1),
      taxId: innCompany(r),
      phones: centre ? [office, ...(r.chance(0.5) ? [phoneFor(r, 'RU')] : [])] : [office],
      email: r.chance(0.7)
        ? `${r.pick(['info', 'zakaz', 'office', 'buh', 'sales'])}@${translit(name.toLowerCase(), SCHEMES[1]).replace(/[^a-z0-9-]/g, '')}.ru`
        : undefined,
      address: centre ? { ...addr, flat: String(r.int(100, 900)) } : addr,
      contact: person(ctx),
      region: 'RU',
    });
  }
  return out;
}

// ---------------------------------------------------------------- rendering with noise

function formatAddress(r, a, noisy) {
  const [short, long, latin] = a.streetType;
  let street = a.street;
  if (noisy && r.chance(0.03)) street = typo(r, street);
  const latinStyle = noisy && r.chance(0.04);
  if (latinStyle) {
    const s = translit(street, r.pick(SCHEMES));
    return `${s} ${latin} ${translit(a.house, SCHEMES[1])}${a.flat ? `, apt ${a.flat}` : ''}, ${a.cityEn}`;
  }
  const flat = a.flat && !(noisy && r.chance(0.2)) ? a.flat : undefined;
  const city = r.chance(0.5) ? `г. ${a.cityRu}` : a.cityRu;
  return r.pick([
    () => `${city}, ${short} ${street}, д. ${a.house}${flat ? `, кв. ${flat}` : ''}`,
    () => `${a.cityRu}, ${street} ${a.house}${flat ? `-${flat}` : ''}`,
    () => `${city}, ${long} ${street}, ${a.house}${flat ? `, ${flat}` : ''}`,
    () => `${short}${street}, д.${a.house}${flat ? ` кв.${flat}` : ''}`,
    () => `${r.digits(6)}, ${city}, ${street} ${long}, дом ${a.house}${flat ? ` квартира ${flat}` : ''}`,
  ])();
}

function emailVariant(r, email) {
  let e = email;
  if (r.chance(0.1)) e = e.toUpperCase();
  else if (r.chance(0.1)) e = e.charAt(0).toUpperCase() + e.slice(1);
  if (e.toLowerCase().endsWith('@gmail.com') && r.chance(0.15)) {
    const at = e.indexOf('@');
    e = `${e.slice(0, at).replace(/\./g, '')}@${e.slice(at + 1)}`;
  }
  if (r.chance(0.05)) e = ` ${e} `;
  return e;
}

/** One profile record of a customer; `noisy` for every record after the first. */
function render(ctx, c, noisy) {
  const { r } = ctx;
  const rec = { type: c.type };
  const p = noisy ? 1 : 0.25; // the first record is cleaner, not clean
  if (c.type === 'legal') {
    rec.companyName = r.pick([
      () => `${c.form} «${c.company}»`,
      () => `${c.form} "${c.company}"`,
      () => `${c.company} ${c.form}`,
      () => `${c.form} ${c.company}`,
    ])();
    if (noisy && r.chance(0.04)) rec.companyName = typo(r, rec.companyName);
    if (!(noisy && r.chance(0.15))) rec.taxId = c.taxId;
    if (r.chance(0.6)) {
      rec.firstName = c.contact.first;
      rec.lastName = c.contact.last;
    }
  } else {
    let first = c.first;
    let last = c.last;
    let patronymic = c.patronymic;
    if (r.chance(0.04 * p) && DIMINUTIVE[first]) first = r.pick(DIMINUTIVE[first]);
    if (r.chance(0.05 * p)) last = typo(r, last);
    if (r.chance(0.03 * p)) first = typo(r, first);
    if (r.chance(0.02 * p) && patronymic) patronymic = typo(r, patronymic);
    if (r.chance(0.1 * p) && c.sex === 'f' && c.married) last = c.married;
    if (r.chance(0.1 * p)) {
      const scheme = r.pick(SCHEMES);
      first = translit(first, scheme);
      last = translit(last, scheme);
      if (patronymic) patronymic = translit(patronymic, scheme);
    }
    if (r.chance(0.02 * p)) first = `${first.charAt(0)}.`;
    if (!r.chance(0.45 * p + 0.1) && patronymic) rec.patronymic = patronymic;
    if (r.chance(0.04 * p)) {
      rec.firstName = `${last} ${first}${rec.patronymic ? ` ${rec.patronymic}` : ''}`; // all in one field
      delete rec.patronymic;
    } else if (r.chance(0.03 * p)) {
      rec.firstName = last; // swapped fields
      rec.lastName = first;
    } else {
      if (!r.chance(0.02 * p)) rec.firstName = first;
      if (!r.chance(0.06 * p)) rec.lastName = last;
    }
    if (c.birthday && !r.chance(0.4 * p)) {
      let bd = c.birthday;
      if (r.chance(0.015 * p) && Number(bd.slice(8, 10)) <= 12)
        bd = `${bd.slice(0, 5)}${bd.slice(8, 10)}-${bd.slice(5, 7)}`; // day and month swapped
      else if (r.chance(0.015 * p)) bd = `${bd.slice(0, 9)}${(Number(bd[9]) + 1) % 10}`; // last digit off
      rec.birthday = r.chance(0.5) ? bd : `${bd.slice(8, 10)}.${bd.slice(5, 7)}.${bd.slice(0, 4)}`;
    }
  }
  // Phones: formatting always varies; sometimes missing, replaced, added or mistyped.
  let phones = c.phones.slice();
  if (noisy && r.chance(0.06)) phones = [c.newPhone ?? (c.newPhone = phoneFor(r, c.region))];
  if (noisy && r.chance(0.08)) phones.push(c.extraPhone ?? (c.extraPhone = phoneFor(r, c.region)));
  if (phones.length > 1 && r.chance(0.4)) phones = [r.pick(phones)];
  if (r.chance(0.1 * p)) phones = [];
  rec.phones = phones.map((ph) => {
    const typed = formatPhone(r, ph);
    return noisy && r.chance(0.01) ? typed.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1) % 10)) : typed;
  });
  // Emails: often not given, sometimes a new one.
  const emails = [];
  if (c.email && !r.chance(0.35 * p)) emails.push(emailVariant(r, c.email));
  if (noisy && r.chance(0.05))
    emails.push(c.newEmail ?? (c.newEmail = emailFor(ctx, c.first ?? 'info', c.last ?? c.company)));
  if (noisy && emails.length > 0 && r.chance(0.01)) emails[0] = typo(r, emails[0]);
  rec.emails = emails;
  // Address and city: formats vary, often missing; some customers move.
  let a = c.address;
  if (noisy && r.chance(0.05)) a = c.moved ?? (c.moved = address(ctx));
  if (!r.chance(0.3 * p)) rec.address = formatAddress(r, a, noisy);
  if (r.chance(0.6)) rec.city = r.chance(0.15) ? a.cityEn : a.cityRu;
  return rec;
}

// How many records a customer has: most one, some many.
const COPIES = [
  [1, 60],
  [2, 22],
  [3, 9],
  [4, 5],
  [5, 2],
  [6, 1],
  [8, 1],
];

/**
 * A labelled base of about n records (exactly n): an array of records in creation order (ids
 * c0000001, …), each with `entity`, the customer it belongs to. Options: seed, site.
 */
export function generateCustomers({ n, seed = 1, site = 'pult' }) {
  const ctx = makeContext(seed);
  const { r } = ctx;
  const copies = r.weighted(COPIES);
  const out = [];
  let entity = 0;
  while (out.length < n) {
    const roll = r.next();
    const group = roll < 0.07 ? companies(ctx) : roll < 0.19 ? household(ctx) : [person(ctx)];
    for (const c of group) {
      entity++;
      if (c.type === 'individual' && c.sex === 'f' && r.chance(0.05)) c.married = feminine(ctx.surname());
      const k = copies();
      for (let i = 0; i < k && out.length < n; i++) {
        const rec = render(ctx, c, i > 0);
        rec.entity = entity;
        out.push(rec);
      }
    }
  }
  // Records of one customer were created at different times: shuffle, then number in that order.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  const width = String(n).length + 1;
  return out.map((rec, i) => ({ id: `c${String(i + 1).padStart(width, '0')}`, site, ...rec }));
}
