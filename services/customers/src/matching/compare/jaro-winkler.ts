// Scratch marks reused by every call: the comparators run millions of times in a batch job and must
// not allocate. A position is marked when it holds the current call's stamp, so nothing is cleared
// between calls. Grown when a longer string comes (JavaScript is single-threaded, so sharing is safe).
let marksA = new Uint32Array(64);
let marksB = new Uint32Array(64);
let stamp = 0;

function nextStamp(length: number): number {
  if (marksA.length < length) {
    marksA = new Uint32Array(length * 2);
    marksB = new Uint32Array(length * 2);
  }
  if (stamp === 0xffffffff) {
    marksA.fill(0);
    marksB.fill(0);
    stamp = 0;
  }
  return ++stamp;
}

/** Jaro similarity in [0, 1]; 1 for two equal strings (two empty strings included). */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const mark = nextStamp(la > lb ? la : lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = i > window ? i - window : 0;
    const to = i + window + 1 < lb ? i + window + 1 : lb;
    const c = a.charCodeAt(i);
    for (let j = from; j < to; j++) {
      if (marksB[j] !== mark && b.charCodeAt(j) === c) {
        marksA[i] = mark;
        marksB[j] = mark;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (marksA[i] !== mark) continue;
    while (marksB[k] !== mark) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3;
}

/**
 * Jaro-Winkler similarity (Winkler 1990): the Jaro similarity raised for a common prefix of up to four
 * characters by 0.1 per character, when the Jaro similarity is above 0.7.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  const max = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}
