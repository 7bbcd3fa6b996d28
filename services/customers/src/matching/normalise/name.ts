import { latinKey, words } from './latin-key';

/** A person's name as comparison keys (canonical Latin, see latin-key.ts). */
export interface NormalisedName {
  first?: string;
  /** Set when the first name was only an initial ("А.", "J"): `first` then holds the initial's key. */
  firstIsInitial?: boolean;
  last?: string;
  patronymic?: string;
}

export type Sex = 'm' | 'f';

// First names the engine knows: their sex, and the diminutives a customer may type instead (Саша for
// Александр). Keys are canonical, so every spelling matches. A diminutive of a male and a female
// name (Саша, Женя, Валя) stands for both and tells no sex.
// prettier-ignore
const FIRST_NAMES: ReadonlyArray<readonly [string, Sex, ...string[]]> = [
  ['Александр', 'm', 'Саша', 'Шура', 'Саня', 'Алекс'], ['Александра', 'f', 'Саша', 'Шура'],
  ['Алексей', 'm', 'Алёша', 'Лёша', 'Лёха'], ['Анатолий', 'm', 'Толя'], ['Андрей', 'm', 'Андрюша'],
  ['Анна', 'f', 'Аня', 'Анюта'], ['Анастасия', 'f', 'Настя'], ['Борис', 'm', 'Боря'],
  ['Валентин', 'm', 'Валя'], ['Валентина', 'f', 'Валя'], ['Василий', 'm', 'Вася'], ['Виктор', 'm', 'Витя'],
  ['Виктория', 'f', 'Вика'], ['Владимир', 'm', 'Вова', 'Володя'], ['Владислав', 'm', 'Влад'],
  ['Вячеслав', 'm', 'Слава'], ['Галина', 'f', 'Галя'], ['Георгий', 'm', 'Жора', 'Гоша'],
  ['Григорий', 'm', 'Гриша'], ['Дмитрий', 'm', 'Дима', 'Митя'], ['Евгений', 'm', 'Женя'],
  ['Евгения', 'f', 'Женя'], ['Екатерина', 'f', 'Катя'], ['Елена', 'f', 'Лена'], ['Елизавета', 'f', 'Лиза'],
  ['Иван', 'm', 'Ваня'], ['Ирина', 'f', 'Ира'], ['Константин', 'm', 'Костя'], ['Ксения', 'f', 'Ксюша'],
  ['Любовь', 'f', 'Люба'], ['Людмила', 'f', 'Люда', 'Мила'], ['Мария', 'f', 'Маша'], ['Михаил', 'm', 'Миша'],
  ['Надежда', 'f', 'Надя'], ['Наталья', 'f', 'Наташа'], ['Николай', 'm', 'Коля'], ['Ольга', 'f', 'Оля'],
  ['Павел', 'm', 'Паша'], ['Пётр', 'm', 'Петя'], ['Сергей', 'm', 'Серёжа'], ['Светлана', 'f', 'Света'],
  ['Станислав', 'm', 'Стас'], ['Татьяна', 'f', 'Таня'], ['Юлия', 'f', 'Юля'], ['Юрий', 'm', 'Юра'],
  ['Яков', 'm', 'Яша'],
  ['Максим', 'm'], ['Артём', 'm'], ['Денис', 'm'], ['Игорь', 'm'], ['Олег', 'm'], ['Роман', 'm'], ['Кирилл', 'm'],
  ['Антон', 'm'], ['Никита', 'm'], ['Егор', 'm'], ['Тимур', 'm'], ['Руслан', 'm'], ['Вадим', 'm'], ['Фёдор', 'm'],
  ['Семён', 'm'], ['Ярослав', 'm'], ['Глеб', 'm'], ['Матвей', 'm'], ['Марк', 'm'], ['Даниил', 'm'], ['Тимофей', 'm'],
  ['Арсений', 'm'], ['Степан', 'm'], ['Леонид', 'm'], ['Эдуард', 'm'], ['Аркадий', 'm'], ['Геннадий', 'm'],
  ['Валерий', 'm'], ['Илья', 'm'], ['Лев', 'm'],
  ['Марина', 'f'], ['Дарья', 'f'], ['Полина', 'f'], ['Алёна', 'f'], ['Алина', 'f'], ['Софья', 'f'], ['Вера', 'f'],
  ['Кристина', 'f'], ['Оксана', 'f'], ['Лариса', 'f'], ['Маргарита', 'f'], ['Яна', 'f'], ['Жанна', 'f'],
  ['Валерия', 'f'], ['Диана', 'f'], ['Вероника', 'f'], ['Ангелина', 'f'], ['Варвара', 'f'], ['Нина', 'f'],
  ['Зоя', 'f'], ['Инна', 'f'], ['Олеся', 'f'], ['Карина', 'f'], ['Регина', 'f'], ['Эльвира', 'f'],
  ['John', 'm'], ['Michael', 'm'], ['David', 'm'], ['Thomas', 'm'], ['Daniel', 'm'], ['James', 'm'],
  ['Robert', 'm'], ['Lukas', 'm'], ['Stefan', 'm'], ['Emma', 'f'], ['Laura', 'f'], ['Sarah', 'f'],
  ['Lisa', 'f'], ['Hannah', 'f'], ['Emily', 'f'], ['Sophie', 'f'], ['Julia', 'f'],
];

/** Canonical key → the canonical keys of the full names it may stand for (itself included). */
const FULL_NAMES = new Map<string, string[]>();
/** Canonical key → the sex of the name, when all its full names agree. */
const SEX_OF_NAME = new Map<string, Sex | undefined>();
for (const [full, sex, ...short] of FIRST_NAMES) {
  const fullKey = latinKey(full);
  for (const key of [fullKey, ...short.map(latinKey)]) {
    const list = FULL_NAMES.get(key) ?? [];
    if (!list.includes(fullKey)) list.push(fullKey);
    FULL_NAMES.set(key, list);
    SEX_OF_NAME.set(key, SEX_OF_NAME.has(key) && SEX_OF_NAME.get(key) !== sex ? undefined : sex);
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

/** True for the first names and diminutives the engine knows (Александр, Саша, Максим, …). */
export function isKnownFirstName(key: string): boolean {
  return FULL_NAMES.has(key);
}

/** True when a name key ends like a Slavic surname (-ov, -eva, -sky, -enko, …). */
export function looksLikeSurname(key: string): boolean {
  return key.length > 3 && SURNAME.test(key);
}

const FEMININE_SURNAME = /(ova|eva|ina|yna|skaya|tskaya|aya)$/;
const MASCULINE_SURNAME = /(ov|ev|in|yn|sky|tsky|oy)$/;

/**
 * The sex a name tells: the patronymic (-ovich / -ovna) and a known first name count twice, a
 * Slavic surname ending (-ov / -ova) once; undefined when the votes are even. Any name field
 * votes by what it is, so first and last names typed into each other's fields still count right.
 */
export function inferSex(name: NormalisedName): Sex | undefined {
  let votes = 0; // > 0 male, < 0 female
  const p = name.patronymic;
  if (p !== undefined) votes += /(ich|ych)$/.test(p) ? 2 : /na$/.test(p) ? -2 : 0;
  for (const key of [name.firstIsInitial ? undefined : name.first, name.last]) {
    if (key === undefined) continue;
    const known = SEX_OF_NAME.get(key);
    if (known !== undefined) votes += known === 'm' ? 2 : -2;
    else if (!FULL_NAMES.has(key) && key.length > 3) {
      votes += FEMININE_SURNAME.test(key) ? -1 : MASCULINE_SURNAME.test(key) ? 1 : 0;
    }
  }
  return votes > 0 ? 'm' : votes < 0 ? 'f' : undefined;
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
