import { randomBytes } from 'node:crypto';

const PREFIX = /^[a-z0-9][a-z0-9._-]{0,199}$/;

/**
 * A name no other test run uses, e.g. `orders-test-lx3k9a-1f2e3d4c`, valid as a Kafka topic,
 * consumer group id or database name. Tests share one Kafka and one PostgreSQL, so each test names
 * its own topics and groups instead of cleaning up after others.
 */
export function uniqueName(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new TypeError(
      `uniqueName: prefix must be 1-200 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit, got '${prefix}'`,
    );
  }
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
