import { latinKey, words } from './latin-key';

/** A person's name as comparison keys (canonical Latin, see latin-key.ts). */
export interface NormalisedName {
  first?: string;
  /** Set when the first name was only an initial ("А.", "J"): `first` then holds the initial's key. */
  firstIsInitial?: boolean;
  last?: string;
  patronymic?: string;
}

// Russian diminutives a customer may type instead of the full first name. Stored as canonical keys,
// so every spelling of either side matches. A diminutive shared by a male and a female name (Саша,
// Женя, Валя) lists both.
const DIMINUTIVES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Александр', ['Саша', 'Шура', 'Саня', 'Алекс']],
  ['Александра', ['Саша', 'Шура']],
  ['Алексей', ['Алёша', 'Лёша', 'Лёха']],
  ['Анатолий', ['Толя']],
  ['Андрей', ['Андрюша']],
  ['Анна', ['Аня', 'Анюта']],
  ['Анастасия', ['Настя']],
  ['Борис', ['Боря']],
  ['Валентин', ['Валя']],
  ['Валентина', ['Валя']],
  ['Василий', ['Вася']],
  ['Виктор', ['Витя']],
  ['Виктория', ['Вика']],
  ['Владимир', ['Вова', 'Володя']],
  ['Владислав', ['Влад']],
  ['Вячеслав', ['Слава']],
  ['Галина', ['Галя']],
  ['Георгий', ['Жора', 'Гоша']],
  ['Григорий', ['Гриша']],
  ['Дмитрий', ['Дима', 'Митя']],
  ['Евгений', ['Женя']],
  ['Евгения', ['Женя']],
  ['Екатерина', ['Катя']],
  ['Елена', ['Лена']],
  ['Елизавета', ['Лиза']],
  ['Иван', ['Ваня']],
  ['Ирина', ['Ира']],
  ['Константин', ['Костя']],
  ['Ксения', ['Ксюша']],
  ['Любовь', ['Люба']],
  ['Людмила', ['Люда', 'Мила']],
  ['Мария', ['Маша']],
  ['Михаил', ['Миша']],
  ['Надежда', ['Надя']],
  ['Наталья', ['Наташа']],
  ['Николай', ['Коля']],
  ['Ольга', ['Оля']],
  ['Павел', ['Паша']],
  ['Пётр', ['Петя']],
  ['Сергей', ['Серёжа']],
  ['Светлана', ['Света']],
  ['Станислав', ['Стас']],
  ['Татьяна', ['Таня']],
  ['Юлия', ['Юля']],
  ['Юрий', ['Юра']],
  ['Яков', ['Яша']],
];

/** Canonical key → the canonical keys of the full names it may stand for (itself included). */
const FULL_NAMES = new Map<string, string[]>();
for (const [full, short] of DIMINUTIVES) {
  const fullKey = latinKey(full);
  for (const key of [fullKey, ...short.map(latinKey)]) {
    const list = FULL_NAMES.get(key) ?? [];
    if (!list.includes(fullKey)) list.push(fullKey);
    FULL_NAMES.set(key, list);
  }
}

/**
 * The full first name a key stands for, for blocking: the first listed full name of a diminutive
 * (Саша → aleksandr), the key itself otherwise.
 */
export function firstNameBlockingKey(key: string): string {
  return FULL_NAMES.get(key)?.[0] ?? key;
}

/** True when two first-name keys are a full name and its diminutive, or two diminutives of one name. */
export function areNameVariants(a: string, b: string): boolean {
  const fa = FULL_NAMES.get(a);
  const fb = FULL_NAMES.get(b);
  if (fa === undefined || fb === undefined) return false;
  for (const x of fa) if (fb.includes(x)) return true;
  return false;
}

const PATRONYMIC = /(ovich|evich|ovna|evna|ichna|inichna|ich)$/;
const SURNAME = /(ov|ev|in|yn|sky|tsky|ova|eva|ina|yna|skaya|enko|uk|yuk|ko)$/;

export function isPatronymicKey(key: string): boolean {
  return PATRONYMIC.test(key) && key.length > 4;
}

/**
 * The last name without its feminine ending (Иванова → ivanov, Петровская → petrovsky), so wife and
 * husband, or a typo in the ending, still share a blocking key. For blocking, not for scoring.
 */
export function surnameStem(key: string): string {
  if (key.length < 5) return key;
  if (key.endsWith('skaya')) return `${key.slice(0, -5)}sky`;
  if (/(ova|eva|ina|yna)$/.test(key)) return key.slice(0, -1);
  return key;
}

function keyOrUndefined(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = latinKey(raw);
  return key === '' ? undefined : key;
}

function isInitial(raw: string): boolean {
  return /^\s*\p{L}\s*\.?\s*$/u.test(raw);
}

/**
 * Splits a full name typed into one field. Russian order (Фамилия Имя Отчество) is recognised by the
 * patronymic or the surname ending; otherwise the Western order (first last) is assumed. The scoring
 * also tries first and last swapped, so a wrong guess here only costs the name+city blocking key.
 */
export function splitFullName(raw: string): { first?: string; last?: string; patronymic?: string } {
  const parts = words(raw);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { first: parts[0] };
  const keys = parts.map(latinKey);
  if (parts.length >= 3) {
    if (isPatronymicKey(keys[2])) return { last: parts[0], first: parts[1], patronymic: parts[2] };
    if (isPatronymicKey(keys[1])) return { first: parts[0], patronymic: parts[1], last: parts[2] };
    return { first: parts[0], last: parts.slice(1).join(' ') };
  }
  if (isPatronymicKey(keys[1])) return { first: parts[0], patronymic: parts[1] };
  if (SURNAME.test(keys[0]) && !SURNAME.test(keys[1])) return { last: parts[0], first: parts[1] };
  return { first: parts[0], last: parts[1] };
}

/**
 * Normalises the three name fields as given. A full name typed into the first-name field (or the
 * last-name field) with the other fields empty is split first.
 */
export function normaliseName(first?: string, last?: string, patronymic?: string): NormalisedName {
  const blank = (s: string | undefined) => s === undefined || s.trim() === '';
  if (blank(last) && blank(patronymic) && !blank(first) && words(first!).length > 1) {
    ({ first, last, patronymic } = splitFullName(first!));
  } else if (blank(first) && blank(patronymic) && !blank(last) && words(last!).length > 1) {
    ({ first, last, patronymic } = splitFullName(last!));
  }
  const out: NormalisedName = {};
  const firstKey = keyOrUndefined(first);
  if (firstKey !== undefined) {
    out.first = firstKey;
    if (isInitial(first!)) out.firstIsInitial = true;
  }
  const lastKey = keyOrUndefined(last);
  if (lastKey !== undefined) out.last = lastKey;
  const patronymicKey = keyOrUndefined(patronymic);
  if (patronymicKey !== undefined && !isInitial(patronymic!)) out.patronymic = patronymicKey;
  return out;
}

// Legal forms, as canonical keys of their words: dropped from company names, so «Ромашка», ООО
// "Ромашка" and Romashka LLC compare equal.
// prettier-ignore
const LEGAL_FORMS = new Set(
  [
    'ООО', 'ОАО', 'ЗАО', 'ПАО', 'АО', 'НАО', 'ИП', 'ТОО', 'ОДО', 'ЧУП', 'УП', 'ЧП', 'НКО', 'АНО',
    'общество', 'с', 'ограниченной', 'ответственностью', 'индивидуальный', 'предприниматель',
    'акционерное', 'публичное', 'закрытое', 'открытое', 'товарищество',
    'LLC', 'Ltd', 'Limited', 'GmbH', 'Inc', 'Corp', 'Co', 'OOO', 'ZAO', 'OAO', 'PAO', 'AO', 'IP',
  ].map(latinKey),
);

/** A company name without its legal form and quotes → its canonical key. */
export function normaliseCompanyName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = words(raw)
    .map(latinKey)
    .filter((w) => w !== '' && !LEGAL_FORMS.has(w))
    .join('');
  return key === '' ? undefined : key;
}
