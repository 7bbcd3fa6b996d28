import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey } from '../partitioning';
// Cross-check against the murmur2 that kafkajs ships (itself a port of the Java client).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (k: Buffer) => number;

test('murmur2 matches the Java client on its published test vectors', () => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of vectors) assert.equal(murmur2(Buffer.from(key)), hash, key);
});

test('murmur2 agrees with the kafkajs port on random keys of every length', () => {
  for (let len = 0; len < 64; len++) {
    const key = Buffer.from(Array.from({ length: len }, (_, i) => (i * 37 + len * 11) & 0xff));
    assert.equal(murmur2(key), kafkajsMurmur2(key), `length ${len}`);
  }
});

test('one key always maps to one partition within range', () => {
  const p = partitionForKey('0192f0a4-aaaa-7bbb-8ccc-000000000001', 12);
  assert.ok(p >= 0 && p < 12);
  assert.equal(partitionForKey('0192f0a4-aaaa-7bbb-8ccc-000000000001', 12), p);
  const spread = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`order-${i}`, 12)));
  assert.equal(spread.size, 12);
});
