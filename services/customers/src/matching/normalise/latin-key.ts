/**
 * One canonical Latin spelling for words written in Cyrillic or in any of the usual Latin
 * transliterations of Russian (GOST, ICAO passport, BGN/PCGN, informal). The key is for comparing
 * and blocking only; the original spelling is kept by the caller.
 *
 * Two steps: Cyrillic letters become Latin by one fixed table, then both that output and Latin input
 * go through the same rewrite rules that fold the variants transliterations disagree on
 * (Aleksandr/Alexander, Yuriy/Yury/Iurii, Shchukin/Schukin, Alyona/Aljona/Alena, Khabarov/Habarov,
 * Tsoy/Tzoy). Because the same rules run on both sides, a rule only has to be consistent, not
 * linguistically exact: folding a rare distinction (Щ/Ш, Ё/Е/Йо) costs a little precision in the
 * exact level and the other fields still decide.
 */

// prettier-ignore
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
  ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian and Belarusian letters that Russian-speaking shops meet in names.
  і: 'i', ї: 'yi', є: 'ye', ґ: 'g', ў: 'u',
};

/**
 * Applied in order to lower-case Latin letters without separators. Each rule folds a variant pair;
 * the order matters where rules overlap (digraphs before single letters, vowel clusters before
 * endings).
 */
const FOLD_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/x/g, 'ks'], // Alexander → Aleksander
  [/shch|sch|shh/g, 'sh'], // Щукин: Shchukin, Schukin (Щ and Ш fold together)
  [/j/g, 'y'], // Jurij, Aljona, Mariia/Marija (informal and German-style)
  [/kh/g, 'h'], // Khabarov / Habarov
  [/tz|tc(?!h)/g, 'ts'], // Tzoy / Tsoy
  [/ph/g, 'f'],
  [/w/g, 'v'],
  [/ck/g, 'k'],
  [/c(?=[eiy])/g, 'ts'], // Latin-style Cyril / Tsyril
  [/c(?!h)/g, 'k'], // Victor / Viktor, Nicolai / Nikolay
  [/[iy]+a/g, 'ya'], // Мария (mariya) / Maria / Mariia; -skaya / -skaia
  [/[iy]+u/g, 'yu'], // Юлия / Iuliia / Yulia
  [/yo/g, 'e'], // Алёна: Alyona / Aljona / Alena; Фёдор / Fyodor / Fedor (not "io": Ниолай is a typo)
  [/[iy]+e/g, 'e'], // Yevgeniy / Evgeniy; Solovyev / Soloviev / Соловьев
  [/([^aeiou])yi/g, '$1i'], // Ilyin / Il'in / Ильин
  [/(zh|sh|ch)ov$/g, '$1ev'], // Горбачёв / Gorbachov / Gorbachev: ё after a hushing sound is "o"
  [/([aeiou])[iy]+$/g, '$1y'], // Nikolai / Nikolay; Sergei / Sergey
  [/([^aeiou])[iy]+$/g, '$1y'], // Yuriy / Yury / Yurii / Iurii / Yuri; -skiy / -skii / -sky
  [/([bdfgkpstvz])er$/g, '$1r'], // Aleksander / Aleksandr; Peter / Petr
  [/(.)\1+/g, '$1'], // Kirill / Kiril, Anna / Ana (typos double or drop doubled letters)
];

/** Lower-cases, transliterates Cyrillic, drops diacritics and everything that is not a letter or digit. */
export function transliterate(raw: string): string {
  let out = '';
  const lower = raw.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i];
    const code = lower.charCodeAt(i);
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      out += ch;
      continue;
    }
    const cyr = CYRILLIC[ch];
    if (cyr !== undefined) {
      out += cyr;
      continue;
    }
    if (code > 127) {
      // é → e, ö → o, ß stays out: only letters with a plain Latin base survive.
      const base = ch.normalize('NFD').charAt(0);
      const b = base.charCodeAt(0);
      if (b >= 97 && b <= 122) out += base;
    }
    // Spaces, hyphens, apostrophes, dots and other punctuation are dropped.
  }
  return out;
}

/**
 * The canonical comparison key of a name, a word or a compound (Римский-Корсаков, Нижний Новгород).
 * Each word is folded on its own, so word endings stay endings, then the words are joined without
 * separators ("Nizhny Novgorod" and "Нижний-Новгород" give one key).
 */
export function latinKey(raw: string): string {
  let key = cache.get(raw);
  if (key === undefined) {
    key = computeLatinKey(raw);
    // Names, cities and streets repeat: a million records hold a few hundred thousand distinct
    // words. Emptied when full rather than tracking recency: cheap, and refilled by what is frequent.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(raw, key);
  }
  return key;
}

const CACHE_LIMIT = 200_000;
const cache = new Map<string, string>();

function computeLatinKey(raw: string): string {
  let out = '';
  for (const part of raw.split(SEPARATORS)) {
    let s = transliterate(part);
    if (s === '') continue;
    for (const [re, to] of FOLD_RULES) s = s.replace(re, to);
    out += s;
  }
  return out;
}

const SEPARATORS = /[\s\-‐‑–—_.,;:'’`"«»()/\\]+/u;

/** Splits on whitespace and punctuation, keeping hyphenated words whole. */
export function words(raw: string): string[] {
  return raw
    .toLowerCase()
    .replace(/ё/g, 'е')
    .split(/[\s,;:()"'«»„“”/\\]+|\.(?!\d)/u)
    .filter((w) => w !== '' && w !== '-');
}
