import { z } from 'zod';

const unique = (values: string[]) => [...new Set(values)];

const login = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._@-]{1,63}$/,
    'must be 2 to 64 letters, digits, ., _, @ or -, starting with a letter or digit',
  );
const name = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(200, 'must be at most 200 characters');
const email = z.email('must be an e-mail address').max(320, 'must be at most 320 characters');
/** User-group codes; checked against the reference data by the service. */
const groups = z
  .array(z.string({ error: 'must be a user-group code' }).min(1, 'must be a user-group code'), {
    error: 'must be a list of user-group codes',
  })
  .transform(unique);
const active = z.boolean({ error: 'must be true or false' });

/** POST /v1/users */
export const createUserBody = z.strictObject({
  login,
  name,
  email: email.optional(),
  groups: groups.default([]),
  active: active.default(true),
});
export type CreateUserBody = z.output<typeof createUserBody>;

/** PATCH /v1/users/:id: the fields to change; `email: null` removes it, `active: false` deactivates. */
export const updateUserBody = z.strictObject({
  name: name.optional(),
  email: email.nullable().optional(),
  groups: groups.optional(),
  active: active.optional(),
});
export type UpdateUserBody = z.output<typeof updateUserBody>;
