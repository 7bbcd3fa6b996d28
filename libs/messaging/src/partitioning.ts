/**
 * Kafka's murmur2 hash exactly as the Java client computes it, so a key lands on the same
 * partition whichever client (or language) produces it. Chosen explicitly rather than inherited
 * from a client library's default, which has changed between kafkajs versions before.
 */
export function murmur2(key: Buffer): number {
  const m = 0x5bd1e995;
  const length = key.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= key[whole + 2] << 16;
  if (tail >= 2) h ^= key[whole + 1] << 8;
  if (tail >= 1) {
    h ^= key[whole];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition for an aggregate key: every event of one order goes to one partition, in order. */
export function partitionForKey(key: string, partitionCount: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitionCount;
}
