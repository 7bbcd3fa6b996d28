import { latinKey } from './latin-key';

/** An address as comparison keys. `street` has no type word (ул., проспект, st.): see below. */
export interface NormalisedAddress {
  city?: string;
  street?: string;
  /** House with its building parts: "12", "12a", "12/1", "12k2", "12s3". */
  house?: string;
  flat?: string;
}

// Markers, lower-case and without the trailing dot. Russian first, then the Latin forms found in
// transliterated or English addresses.
const wordSet = (list: string) => new Set(list.split(' '));
const CITY = wordSet('г гор город city gorod g пгт пос поселок с село д дер деревня ст-ца станица');
const REGION = wordSet(
  'обл область край респ республика р-н район ао обл-ть oblast region krai district rayon',
);
const STREET = wordSet(
  'ул улица пр пр-т просп проспект пер переулок ш шоссе б-р бул бульвар пл площадь наб набережная проезд ' +
    'пр-д туп тупик мкр мкр-н микрорайон аллея линия кв-л квартал ' +
    'st str street ul ulitsa ulica ave avenue prospekt prosp pr pereulok per shosse sh nab naberezhnaya ' +
    'bulvar blvd boulevard pl ploshchad lane ln road rd proezd mkr mikrorayon',
);
const HOUSE = wordSet('д дом house h dom d влд вл владение');
/** Building parts of a house: корпус (k) and строение (s). */
const BUILDING = new Map<string, string>([
  ...[...wordSet('к корп корпус korp korpus k bld')].map((w) => [w, 'k'] as const),
  ...[...wordSet('стр строение stroenie')].map((w) => [w, 's'] as const),
]);
const FLAT = wordSet('кв квартира кв-ра офис оф ком комн комната apt app apartment flat office of kv suite');
// Words dropped from street names: "улица имени В. И. Ленина" is "Ленина".
const STREET_NOISE = wordSet('им имени imeni');

// Other names of large cities → the Russian name (both as canonical keys).
// prettier-ignore
const CITY_ALIASES = new Map<string, string>(
  (
    [
      ['Moscow', 'Москва'], ['Мск', 'Москва'],
      ['Saint Petersburg', 'Санкт-Петербург'], ['St Petersburg', 'Санкт-Петербург'], ['St. Petersburg', 'Санкт-Петербург'],
      ['СПб', 'Санкт-Петербург'], ['Питер', 'Санкт-Петербург'], ['Петербург', 'Санкт-Петербург'], ['Leningrad', 'Санкт-Петербург'],
      ['Ekaterinburg', 'Екатеринбург'], ['Yekaterinburg', 'Екатеринбург'], ['Екб', 'Екатеринбург'],
      ['Nizhny Novgorod', 'Нижний Новгород'], ['Н. Новгород', 'Нижний Новгород'], ['Нижний', 'Нижний Новгород'],
      ['Kyiv', 'Киев'], ['Київ', 'Киев'], ['Alma-Ata', 'Алматы'], ['Алма-Ата', 'Алматы'],
      ['Nur-Sultan', 'Астана'], ['Нур-Султан', 'Астана'], ['Astana', 'Астана'],
    ] as const
  ).map(([alias, city]) => [latinKey(alias), latinKey(city)]),
);

/** The canonical key of a city name, with "г." or "город" and known other names folded. */
export function normaliseCity(raw: string): string | undefined {
  const words = tokens(raw).filter((t) => t !== ',' && !CITY.has(t));
  if (words.length === 0) return undefined;
  const key = latinKey(words.join(' '));
  if (key === '') return undefined;
  return CITY_ALIASES.get(key) ?? key;
}

/**
 * Lower-case tokens, ё as е; whitespace, dots, quotes, brackets, ";" and ":" end a token ("ул.Ленина"
 * → "ул", "ленина"); commas are kept as tokens. One pass: addresses are read a million at a time.
 */
function tokens(raw: string): string[] {
  const out: string[] = [];
  const lower = raw.toLowerCase();
  let start = -1;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    const separator =
      c <= 32 ||
      c === 44 ||
      c === 46 ||
      c === 59 ||
      c === 58 ||
      c === 34 ||
      c === 40 ||
      c === 41 ||
      c === 171 ||
      c === 187 ||
      c === 160;
    if (separator) {
      if (start >= 0) out.push(lower.slice(start, i).replace(/ё/g, 'е'));
      start = -1;
      if (c === 44) out.push(',');
    } else if (start < 0) start = i;
  }
  return out;
}

// A house number with optional letter and building ("12", "12а", "12/1", "12к2", "12 к2" is split).
const HOUSE_NUMBER = /^(\d+)\s*([a-zа-я])?(?:\/(\d+[a-zа-я]?))?(?:(к|k|корп|стр|с|s)(\d+))?$/;
// "12-5": house 12, flat 5, as often typed after the street.
const HOUSE_FLAT = /^(\d+[a-zа-я]?)-(\d+)$/;

function houseKey(m: RegExpMatchArray): string {
  const letter = m[2] ? latinKey(m[2]) : '';
  const slash = m[3] ? `/${latinKey(m[3])}` : '';
  const part = m[4] ? `${m[4] === 'стр' || m[4] === 'с' || m[4] === 's' ? 's' : 'k'}${m[5]}` : '';
  return `${m[1]}${letter}${slash}${part}`;
}

type Role = 'city' | 'region' | 'street' | 'house' | 'building' | 'flat';

interface Group {
  words: string[];
  role?: Role;
  /** The group had a house number after its words ("Тверская 1"): its words are the street. */
  numbered: boolean;
}

/**
 * Reads a free-text address ("г. Москва, ул. Тверская, д. 1, кв. 5", "Москва, Тверская 1-5",
 * "Tverskaya st. 1, Moscow") into city, street, house and flat keys. Comma-separated parts with a
 * marker (г., ул., д., кв.) take the marker's role; unmarked words are the street when a house
 * number follows them, otherwise the city if none is known. `city`, when given separately, wins over
 * the one found in the text. The street type is dropped: "ул. Мира" and "пр. Мира" fold together,
 * which the house number and the city usually separate.
 */
export function normaliseAddress(raw: string | undefined, city?: string): NormalisedAddress {
  const out: NormalisedAddress = {};
  const givenCity = city === undefined ? undefined : normaliseCity(city);
  if (raw !== undefined) {
    const groups: Group[] = [];
    let group: Group = { words: [], numbered: false };
    let pending: Role | undefined;
    let building = '';
    const flush = () => {
      if (group.words.length > 0) groups.push(group);
      group = { words: [], numbered: false };
      pending = undefined;
    };
    const list = tokens(raw);
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (t === ',') {
        flush();
        continue;
      }
      if (/^\d{6}$/.test(t) && out.house === undefined && pending === undefined) continue; // postcode
      const numberRole = pending === 'house' || pending === 'building' || pending === 'flat';
      if (!numberRole) {
        const role: Role | undefined = STREET.has(t)
          ? 'street'
          : CITY.has(t) && !/^\d/.test(list[i + 1] ?? '')
            ? 'city'
            : REGION.has(t)
              ? 'region'
              : undefined;
        if (role !== undefined) {
          // "г. Москва ул. Тверская" without commas: a second marker starts a new part.
          if (group.role !== undefined && group.role !== role && group.words.length > 0) flush();
          group.role = role;
          continue;
        }
      }
      if (HOUSE.has(t)) {
        pending = 'house';
        continue;
      }
      const part = BUILDING.get(t);
      if (part !== undefined && out.house !== undefined) {
        pending = 'building';
        building = part;
        continue;
      }
      if (FLAT.has(t)) {
        pending = 'flat';
        continue;
      }
      if (/^\d/.test(t)) {
        const houseFlat = HOUSE_FLAT.exec(t);
        const house = HOUSE_NUMBER.exec(houseFlat ? houseFlat[1] : t);
        if (
          pending === 'flat' ||
          (out.house !== undefined && pending !== 'building' && out.flat === undefined)
        ) {
          out.flat = t.replace(/\D+$/, '');
        } else if (pending === 'building' && out.house !== undefined) {
          out.house += `${building}${t}`;
        } else if (house !== null && out.house === undefined) {
          out.house = houseKey(house);
          if (houseFlat) out.flat = houseFlat[2];
          group.numbered = true;
        }
        pending = undefined;
        continue;
      }
      if (/^[a-zа-я]$/.test(t) && out.house !== undefined && pending === undefined && group.numbered) {
        out.house += latinKey(t); // "12 а"
        continue;
      }
      if (!STREET_NOISE.has(t) && !/^[a-zа-я]$/.test(t)) group.words.push(t);
    }
    flush();
    assignGroups(groups, out);
  }
  if (givenCity !== undefined) out.city = givenCity;
  return out;
}

function assignGroups(groups: Group[], out: NormalisedAddress): void {
  const unmarked = groups.filter((g) => g.role === undefined);
  const isKnownCity = (g: Group) => CITY_ALIASES.has(latinKey(g.words.join(' ')));
  // The street: a marked one; else the unmarked words a house number followed ("Тверская 1"); else,
  // when a house number stood alone ("Тверская, 1"), the last unmarked part that is not a known city.
  const street =
    groups.find((g) => g.role === 'street') ??
    unmarked.find((g) => g.numbered) ??
    (out.house === undefined
      ? undefined
      : [...unmarked].reverse().find((g) => !isKnownCity(g) || unmarked.length === 1));
  if (street !== undefined) {
    const key = latinKey(street.words.join(' '));
    if (key !== '') out.street = key;
  }
  const city = groups.find((g) => g.role === 'city') ?? unmarked.find((g) => g !== street);
  if (city !== undefined) out.city = normaliseCity(city.words.join(' '));
}
