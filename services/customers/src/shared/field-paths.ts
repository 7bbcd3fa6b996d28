/** Reading and writing a dotted path ("customFields.interests") of plain JSON, for field masks. */

export function getPath(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}

/** Sets the value at the path, creating objects on the way; undefined removes the member. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/**
 * Why a mask path cannot be edited, or undefined when it can: a top-level field of `fields`, or one
 * member of a field of `maps`.
 */
export function maskProblem(
  path: string,
  fields: readonly string[],
  maps: readonly string[],
  what: string,
): string | undefined {
  const [head, ...rest] = path.split('.');
  if (
    !fields.includes(head) ||
    rest.length > 1 ||
    (rest.length === 1 && (!maps.includes(head) || !rest[0]))
  ) {
    return `'${path}' is not an editable ${what} field`;
  }
  return undefined;
}

/** Drops members whose value is undefined, so equal states compare and serialise equally. */
export function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
