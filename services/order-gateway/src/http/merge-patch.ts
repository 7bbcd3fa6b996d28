import { ValidationError } from '@openretail/contracts';

export interface MergePatchShape {
  /** The members a patch may name. */
  fields: readonly string[];
  /** Members whose object value merges one level down instead of replacing. */
  merged: readonly string[];
  /** Why a member that is not a field cannot be patched (default: not an editable field). */
  refuse?: (member: string) => string;
}

/**
 * A JSON merge patch (RFC 7396) as an edit: the new values and the field mask. Top-level members
 * replace (null clears); members of the `merged` fields merge one level down (null clears one);
 * lists replace as a whole.
 */
export function mergePatch(
  body: unknown,
  shape: MergePatchShape,
): { values: Record<string, unknown>; mask: string[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw ValidationError.field('(body)', 'must be a JSON object with the fields to change');
  }
  const unknown = Object.keys(body).filter((k) => !shape.fields.includes(k));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((field) => ({ field, reason: shape.refuse?.(field) ?? 'is not an editable field' })),
    );
  }
  const mask: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
    if (shape.merged.includes(field) && value && typeof value === 'object' && !Array.isArray(value)) {
      const members = Object.entries(value as Record<string, unknown>);
      if (members.length === 0) throw ValidationError.field(field, 'name at least one member to change');
      for (const [member, memberValue] of members) {
        mask.push(`${field}.${member}`);
        if (memberValue !== null) ((values[field] ??= {}) as Record<string, unknown>)[member] = memberValue;
      }
    } else {
      mask.push(field);
      if (value !== null) values[field] = value;
    }
  }
  if (mask.length === 0) throw ValidationError.field('(body)', 'name at least one field to change');
  return { values, mask };
}
