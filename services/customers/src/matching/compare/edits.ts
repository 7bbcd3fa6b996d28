/**
 * True when b is a by at most one edit: a substitution, an insertion, a deletion or a transposition of
 * two neighbours (Damerau-Levenshtein / optimal string alignment distance ≤ 1). Linear and
 * allocation-free: this is what typed digits (phones, dates) need, not a full distance.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (la - lb > 1 || lb - la > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // One substitution, or one transposition of i and i+1.
    if (rest(a, i + 1, b, i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      rest(a, i + 2, b, i + 2)
    );
  }
  // One insertion or deletion at i.
  return la > lb ? rest(a, i + 1, b, i) : rest(a, i, b, i + 1);
}

function rest(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false;
  return true;
}
