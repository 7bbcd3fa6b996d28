import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors';
import { parseInput } from '../parse-input';
import { segmentInputSchema, segmentUpdateSchema, timeDependentDays } from './segment-definition';

function violations(schema: Parameters<typeof parseInput>[0], input: unknown): Record<string, string> {
  try {
    parseInput(schema, input);
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return Object.fromEntries(e.violations.map((v) => [v.field, v.reason]));
  }
  assert.fail('expected a ValidationError');
}

test('a segment: code, name, optional site, a filter that defaults to every customer', () => {
  assert.deepEqual(parseInput(segmentInputSchema, { code: 'all', name: ' Все ' }), {
    code: 'all',
    name: 'Все',
    filter: {},
  });
  const full = parseInput(segmentInputSchema, {
    code: 'loyal-vinyl',
    name: 'Постоянные, винил',
    site: 'pult',
    filter: {
      tags: { any: ['vinyl', 'vinyl'], none: ['blacklist'] },
      vip: true,
      consent: { email: 'granted', sms: 'not-granted' },
      ordersCount: { min: 3 },
      totalSpent: { currency: 'RUB', min: 0, max: 1_000_000_00 },
      averageCheck: { currency: 'RUB', min: 5000_00 },
      lastOrder: { from: '2026-01-01', to: '2026-12-31', withinDays: 90, notWithinDays: 7 },
      boughtProducts: ['rx-v6a'],
      boughtCategories: ['turntables', ' turntables '],
    },
  });
  assert.deepEqual(full.filter.boughtCategories, ['turntables'], 'trimmed, repeated once');
  assert.deepEqual(full.filter.tags, { any: ['vinyl'], none: ['blacklist'] }, 'repeated tags once');
  assert.deepEqual(timeDependentDays(full.filter), [90, 7]);
  assert.deepEqual(timeDependentDays({ lastOrder: { from: '2026-01-01' } }), []);
});

test('every bad field is named, with the reason', () => {
  assert.deepEqual(
    violations(segmentInputSchema, {
      code: 'Bad Code',
      site: '',
      extra: 1,
      filter: {
        tags: {},
        vip: 'yes',
        consent: { email: 'maybe', fax: 'granted' },
        ordersCount: { min: 5, max: 2 },
        totalSpent: { currency: 'rub', min: -1, max: 1.5 },
        averageCheck: { currency: 'RUB' },
        lastOrder: { from: '2026-02-30', withinDays: 0 },
        boughtProducts: [],
        boughtCategories: ['audio', ''],
        color: 'red',
      },
    }),
    {
      code: 'must be a code of lowercase letters, digits, - and _ (at most 64)',
      name: 'is required',
      site: 'must be a code of lowercase letters, digits, - and _ (at most 64)',
      extra: 'is not a known field',
      'filter.tags': 'needs at least one of any, all, none',
      'filter.vip': 'must be true or false',
      'filter.consent.email': 'must be granted or not-granted',
      'filter.consent.fax': 'is not a known field',
      'filter.ordersCount.max': 'must not be less than min',
      'filter.totalSpent.currency': 'must be an ISO 4217 code of three capital letters',
      'filter.totalSpent.min': 'must not be negative',
      'filter.totalSpent.max': 'must be an integer number of minor units',
      'filter.averageCheck': 'needs min, max or both',
      'filter.lastOrder.from': 'is not a calendar date',
      'filter.lastOrder.withinDays': 'must be at least 1',
      'filter.boughtProducts': 'must name at least one product',
      'filter.boughtCategories[1]': 'must not be empty',
      'filter.color': 'is not a known field',
    },
  );
});

test('conditions no customer can meet are refused where they are made', () => {
  assert.deepEqual(
    violations(segmentInputSchema, {
      code: 'x',
      name: 'x',
      filter: { lastOrder: { from: '2026-03-01', to: '2026-02-01', withinDays: 7, notWithinDays: 7 } },
    }),
    {
      'filter.lastOrder.to': 'must not be before from',
      'filter.lastOrder.withinDays': 'must be more than notWithinDays, or no customer can match',
    },
  );
});

test('an edit names the name, the filter or both; code and site never change', () => {
  assert.deepEqual(parseInput(segmentUpdateSchema, { filter: {} }), { filter: {} });
  assert.deepEqual(violations(segmentUpdateSchema, {}), {
    '(request)': 'needs at least one of name, filter',
  });
  assert.deepEqual(violations(segmentUpdateSchema, { site: 'pult', name: 'x' }), {
    site: 'is not a known field',
  });
  assert.deepEqual(violations(segmentUpdateSchema, { filter: { boughtCategories: [] } }), {
    'filter.boughtCategories': 'must name at least one category',
  });
});
