import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { loadConfig } from '@openretail/config';
import { TOPICS } from '@openretail/contracts';
import { KafkaTransport, kafkaConfig, silentLogger, type IncomingMessage } from '@openretail/messaging';
import type { RunningService } from '@openretail/service-runtime';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { startKafkaMock, waitFor, type KafkaMockCluster } from '@openretail/testing';
import { authHeaders, createTestPlatform, startGateway, type TestPlatform } from './platform';
import { freePort, killHard, startServiceProcess, type ServiceProcess } from './processes';

const WORKERS = 8;
const ORDERS_PER_WORKER = 25;

/**
 * The promise of the order API under failure: storefronts keep posting while the orders service is
 * killed hard and restarted. A storefront retries a failed request with the same Idempotency-Key,
 * as the API asks; afterwards every order the gateway acknowledged exists exactly once and its
 * order.created event is on Kafka as one event: the relay may publish a batch twice when killed
 * between publishing and marking it, but always with the same event id, which consumers dedupe.
 */
describe('orders killed under load', () => {
  let kafka: KafkaMockCluster;
  let platform: TestPlatform;
  let gateway: RunningService;
  let orders: ServiceProcess;
  let ordersEnv: Record<string, string>;

  before(async () => {
    kafka = await startKafkaMock({ brokers: 1 });
    platform = await createTestPlatform('load_crash', ['orders', 'order-gateway'], kafka);
    // The restarted service must come back where the gateway looks for it.
    ordersEnv = platform.env('orders', { GRPC_PORT: String(await freePort()) });
    orders = await startServiceProcess('orders', ordersEnv);
    gateway = await startGateway(
      platform.env('order-gateway', {
        ORDERS_GRPC_URL: `127.0.0.1:${orders.grpcPort}`,
        GRPC_DEADLINE_MS: '3000',
        // Every request during the outage is a logged 503; the assertions tell the story.
        LOG_LEVEL: 'error',
      }),
    );
    const saved = await fetch(`http://127.0.0.1:${gateway.httpPort}/v1/reference-data`, {
      method: 'PUT',
      headers: authHeaders(undefined, { 'content-type': 'application/json' }),
      body: JSON.stringify(demoPult),
    });
    assert.equal(saved.status, 200);
  });

  after(async () => {
    await gateway?.close();
    if (orders && orders.child.exitCode === null) await killHard(orders);
    await platform?.close();
    await kafka?.stop();
  });

  test('every acknowledged order exists once and its event is published', async () => {
    const acknowledged = new Map<string, string>(); // idempotency key -> order id
    let failures = 0;
    const post = (key: string, i: number) =>
      fetch(`http://127.0.0.1:${gateway.httpPort}/v1/orders`, {
        method: 'POST',
        headers: authHeaders(undefined, { 'content-type': 'application/json', 'Idempotency-Key': key }),
        body: JSON.stringify({
          site: 'pult',
          externalId: key,
          currency: 'RUB',
          customer: { firstName: 'Нагрузка', phones: [`+7916${String(i).padStart(7, '0')}`] },
          items: [{ name: 'Колонки', quantity: 1, unitPrice: { amountMinor: 1_999_000, currency: 'RUB' } }],
        }),
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);

    const storefront = async (worker: number) => {
      for (let n = 0; n < ORDERS_PER_WORKER; n++) {
        const key = `load-${worker}-${n}`;
        // Retries with the same key until acknowledged, as a storefront does after a 503 or a timeout.
        for (;;) {
          const res = await post(key, worker * 1000 + n);
          if (res?.status === 201) {
            acknowledged.set(key, ((await res.json()) as { id: string }).id);
            break;
          }
          failures++;
          await res?.body?.cancel();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => storefront(w)));

    await waitFor(() => acknowledged.size >= 40, { message: 'load running', timeoutMs: 30_000 });
    await killHard(orders);
    await new Promise((r) => setTimeout(r, 500));
    orders = await startServiceProcess('orders', ordersEnv);
    await load;

    const total = WORKERS * ORDERS_PER_WORKER;
    assert.equal(acknowledged.size, total);
    assert.ok(failures > 0, 'the kill was felt by the storefronts');

    const db = new Client({ connectionString: ordersEnv.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ idempotency_key: string; id: string }>(
        `select idempotency_key, id from orders where idempotency_key like 'load-%'`,
      );
      assert.equal(rows.length, total, 'one order per acknowledged request, no duplicates');
      for (const row of rows) assert.equal(acknowledged.get(row.idempotency_key), row.id);
      await waitFor(
        async () =>
          (await db.query('select count(*)::int as n from outbox_message where published_at is null')).rows[0]
            .n === 0,
        { message: 'outbox drained', timeoutMs: 30_000 },
      );
    } finally {
      await db.end();
    }

    const transport = new KafkaTransport({
      config: loadConfig(kafkaConfig, platform.env('reader')),
      clientId: 'load-crash-reader',
      logger: silentLogger,
    });
    const created = new Map<string, Set<string>>(); // order id -> event ids
    const reader = transport.consumer({
      groupId: `${platform.prefix}reader`,
      topics: [platform.prefix + TOPICS.orderEvents.name],
    });
    await reader.run(async (m: IncomingMessage) => {
      const event = JSON.parse(m.value!.toString()) as { id: string; type: string };
      if (event.type === 'order.created')
        created.set(m.key!, (created.get(m.key!) ?? new Set()).add(event.id));
    });
    const ids = [...acknowledged.values()];
    try {
      await waitFor(() => ids.every((id) => created.has(id)), {
        message: 'every order.created read',
        timeoutMs: 30_000,
      });
    } finally {
      await reader.stop();
      await transport.close();
    }
    for (const id of ids) assert.equal(created.get(id)!.size, 1, `one order.created event for ${id}`);
  });
});
