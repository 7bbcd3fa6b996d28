import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@openretail/persistence';
import type { RunningService } from '@openretail/service-runtime';
import { authHeaders, startGateway } from './platform';

/** A port nothing listens on: bound, noted and released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let database: TestDatabase;
let gateway: RunningService;
before(async () => {
  database = await createTestDatabase('gateway_down');
  gateway = await startGateway({
    DATABASE_URL: database.url,
    MIGRATE_ON_START: 'true',
    HTTP_PORT: '0',
    LOG_LEVEL: 'error',
    ORDERS_GRPC_URL: `127.0.0.1:${await closedPort()}`,
    GRPC_DEADLINE_MS: '500',
  });
});
after(async () => {
  await gateway?.close();
  await database?.drop();
});

test('with orders unreachable the gateway answers 503 with Retry-After and is not ready', async () => {
  const res = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/orders`, {
    method: 'POST',
    headers: authHeaders(undefined, { 'content-type': 'application/json', 'Idempotency-Key': 'down-1' }),
    body: JSON.stringify({
      site: 'pult',
      currency: 'RUB',
      items: [{ name: 'Колонки', quantity: 1, unitPrice: { amountMinor: 100, currency: 'RUB' } }],
    }),
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unavailable');

  const ready = await fetch(`http://127.0.0.1:${gateway.httpPort}/health/ready`);
  assert.equal(ready.status, 503);
  const live = await fetch(`http://127.0.0.1:${gateway.httpPort}/health/live`);
  assert.equal(live.status, 200, 'an outage elsewhere does not make the gateway restart');
});
