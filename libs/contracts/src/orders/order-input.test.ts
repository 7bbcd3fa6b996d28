import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors';
import { parseInput } from '../parse-input';
import { orderEditSchema, orderInputSchema } from './order-input';

const rub = (amountMinor: number) => ({ amountMinor, currency: 'RUB' });
const line = (over: Record<string, unknown> = {}) => ({
  name: 'Проигрыватель',
  quantity: 1,
  unitPrice: rub(3_499_000),
  ...over,
});
const order = (items: unknown[]) => ({ site: 'pult', currency: 'RUB', items });

function violations(input: unknown): Record<string, string> {
  try {
    parseInput(orderInputSchema, input);
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return Object.fromEntries(e.violations.map((v) => [v.field, v.reason]));
  }
  assert.fail('expected a ValidationError');
}

test('a line may carry its product categories, trimmed; without them it has none', () => {
  const parsed = parseInput(
    orderInputSchema,
    order([line({ categories: [' turntables ', 'Audio/Vinyl', '1042'] }), line()]),
  );
  assert.deepEqual(parsed.items[0].categories, ['turntables', 'Audio/Vinyl', '1042']);
  assert.equal(parsed.items[1].categories, undefined);
  const edit = parseInput(orderEditSchema, { items: [line({ id: 'i-1', categories: [] })] });
  assert.deepEqual(edit.items?.[0].categories, [], 'an edit may clear them');
});

test('bad categories are named by line and position, with the reason', () => {
  assert.deepEqual(
    violations(
      order([
        line({ categories: ['audio', '', 7, 'x'.repeat(101)] }),
        line({ categories: 'audio' }),
        line({ categories: Array.from({ length: 21 }, (_, i) => `c${i}`) }),
      ]),
    ),
    {
      'items[0].categories[1]': 'must not be empty',
      'items[0].categories[2]': 'must be a string',
      'items[0].categories[3]': 'must be at most 100 characters',
      'items[1].categories': 'must be a list of category codes',
      'items[2].categories': 'at most 20 categories',
    },
  );
});
