/**
 * An email as typed → its matching key, or undefined when it is not an address.
 *
 * Everywhere: trimmed, "mailto:" and angle brackets dropped, lower-cased (mailbox names are
 * case-insensitive at every provider a shop meets, although RFC 5321 leaves the local part to the
 * domain).
 *
 * Only for providers that document it, the key also folds what the provider delivers to the same
 * mailbox, so "Ivan.Petrov+shop@gmail.com" finds "ivanpetrov@gmail.com":
 * - Gmail (gmail.com, googlemail.com): dots in the local part are ignored and "+tag" is a sub-address;
 * - Yandex (yandex.ru and its other domains, ya.ru, narod.ru): one mailbox for every domain, "." and
 *   "-" in the login are the same, "+tag" is a sub-address.
 * Other domains keep dots and "+": a company server may give "a.b" and "ab" to two people.
 * The key is for matching only; the address as typed is what the profile stores and mails.
 */
export function normaliseEmail(raw: string): string | undefined {
  const s = raw
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(s)) return undefined;
  const at = s.lastIndexOf('@');
  let local = s.slice(0, at);
  let domain = s.slice(at + 1);
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    local = stripTag(local).replace(/\./g, '');
    domain = 'gmail.com';
  } else if (YANDEX.has(domain)) {
    local = stripTag(local).replace(/\./g, '-');
    domain = 'yandex.ru';
  }
  return local === '' ? undefined : `${local}@${domain}`;
}

const YANDEX = new Set([
  'yandex.ru',
  'yandex.com',
  'yandex.by',
  'yandex.kz',
  'yandex.ua',
  'yandex.com.tr',
  'ya.ru',
  'narod.ru',
]);

function stripTag(local: string): string {
  const plus = local.indexOf('+');
  return plus < 0 ? local : local.slice(0, plus);
}

/** The local part and the domain of a normalised email. */
export function splitEmail(email: string): [local: string, domain: string] {
  const at = email.lastIndexOf('@');
  return [email.slice(0, at), email.slice(at + 1)];
}
