import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@openretail/contracts';
import { parseInput } from '../http-input';
import { createUserBody, updateUserBody } from './user.schema';

const violations = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return Object.fromEntries(e.violations.map((v) => [v.field, v.reason]));
    throw e;
  }
  assert.fail('expected a ValidationError');
};

test('a new user: login in lower case, defaults, duplicate groups dropped', () => {
  assert.deepEqual(
    parseInput(createUserBody, { login: ' Anna.Petrova ', name: ' Анна ', groups: ['managers', 'managers'] }),
    {
      login: 'anna.petrova',
      name: 'Анна',
      groups: ['managers'],
      active: true,
    },
  );
});

test('every bad field of a new user is named, unknown fields too', () => {
  assert.deepEqual(
    violations(() =>
      parseInput(createUserBody, {
        login: '-x',
        name: '',
        email: 'not-mail',
        groups: ['ok', ''],
        active: 'yes',
        role: 'boss',
      }),
    ),
    {
      login: 'must be 2 to 64 letters, digits, ., _, @ or -, starting with a letter or digit',
      name: 'is required',
      email: 'must be an e-mail address',
      'groups[1]': 'must be a user-group code',
      active: 'must be true or false',
      role: 'is not a known field',
    },
  );
  assert.deepEqual(Object.keys(violations(() => parseInput(createUserBody, undefined))).sort(), [
    'login',
    'name',
  ]);
});

test('an update changes only what it names; the login cannot change', () => {
  assert.deepEqual(parseInput(updateUserBody, { active: false, email: null }), {
    active: false,
    email: null,
  });
  assert.deepEqual(
    violations(() => parseInput(updateUserBody, { login: 'other', groups: 'managers' })),
    {
      login: 'is not a known field',
      groups: 'must be a list of user-group codes',
    },
  );
});
