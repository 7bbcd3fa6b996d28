import type { BlockingKeyKind, MatchConfig } from './match-config';
import { firstNameBlockingKey, surnameStem } from './normalise/name';
import type { NormalisedRecord } from './record';

/**
 * Blocking keys: only records sharing at least one key are compared. Each kind survives a different
 * kind of noise, so a duplicate with a typo in its name is still found by its phone, one with a new
 * phone by its name and birthday:
 *
 * | kind            | key                                  | finds duplicates that …                      |
 * | --------------- | ------------------------------------ | -------------------------------------------- |
 * | `phone`         | `p:+79161234567`                     | share a phone                                |
 * | `email`         | `e:anna@example.com`                 | share an email                               |
 * | `tax-id`        | `t:7707083893`                       | share a tax number                           |
 * | `name-birthday` | `b:ivanov|1985-03-12`, `b:anna|1985…`| share a birthday and the first or last name  |
 * | `name-address`  | `a:ivanov|tverskaya|1`, `a:anna|…`   | share a house and the first or last name     |
 * | `name-city`     | `c:anna|ivanov|moskva`               | share both names (any order) and the city    |
 * | `company-city`  | `o:romashka|moskva`                  | are companies of one name in one city        |
 *
 * Names are folded for blocking: the last name without its feminine ending, a diminutive as its full
 * name. Keys with the first or last name alone are emitted for both names, so swapped names still
 * meet. The service stores the keys in an indexed table (site, key) → customer id and finds the
 * candidates of an incoming record by its keys; the batch job does the same in memory.
 */
export function blockingKeys(record: NormalisedRecord, config: Pick<MatchConfig, 'blocking'>): string[] {
  const kinds = config.blocking.keys;
  const keys: string[] = [];
  const has = (kind: BlockingKeyKind) => kinds.includes(kind);
  const first =
    record.first !== undefined && !record.firstIsInitial ? firstNameBlockingKey(record.first) : undefined;
  const last = record.last === undefined ? undefined : surnameStem(record.last);
  const names =
    first !== undefined && last !== undefined && first !== last
      ? [last, first]
      : first !== undefined
        ? [first]
        : last !== undefined
          ? [last]
          : [];

  if (has('phone')) for (const phone of record.phones) keys.push(`p:${phone}`);
  if (has('email')) for (const email of record.emails) keys.push(`e:${email}`);
  if (has('tax-id') && record.taxId !== undefined) keys.push(`t:${record.taxId}`);
  if (has('name-birthday') && record.birthday !== undefined) {
    for (const name of names) keys.push(`b:${name}|${record.birthday}`);
  }
  if (has('name-address') && record.street !== undefined && record.house !== undefined) {
    for (const name of names) keys.push(`a:${name}|${record.street}|${record.house}`);
  }
  if (has('name-city') && record.city !== undefined && first !== undefined && last !== undefined) {
    const [x, y] = first < last ? [first, last] : [last, first];
    keys.push(`c:${x}|${y}|${record.city}`);
  }
  if (has('company-city') && record.company !== undefined)
    keys.push(`o:${record.company}|${record.city ?? ''}`);
  return keys;
}
