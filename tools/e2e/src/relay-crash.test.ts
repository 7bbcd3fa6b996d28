import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { loadConfig } from '@openretail/config';
import { TOPICS } from '@openretail/contracts';
import { createGrpcClient, ordersV1 } from '@openretail/grpc';
import {
  KafkaTransport,
  kafkaConfig,
  silentLogger,
  type IncomingMessage,
  type MessageConsumer,
} from '@openretail/messaging';
import { demoPult } from '@openretail/svc-orders/dist/reference-data/demo-pult';
import { startKafkaMock, waitFor, type KafkaMockCluster } from '@openretail/testing';
import { createTestPlatform, type TestPlatform } from './platform';
import { killHard, startServiceProcess } from './processes';

describe('outbox relay survives a crash', () => {
  let kafka: KafkaMockCluster;
  let platform: TestPlatform;
  let db: Client;

  before(async () => {
    // A private broker: taking it down must not disturb suites running beside this one.
    kafka = await startKafkaMock({ brokers: 1 });
    platform = await createTestPlatform('crash', ['orders'], kafka);
    db = new Client({ connectionString: platform.env('orders').DATABASE_URL });
  });
  after(async () => {
    await db.end().catch(() => undefined);
    await platform?.close();
    await kafka?.stop();
  });

  test('orders committed while Kafka was unreachable are published exactly once after a hard kill', async () => {
    const env = platform.env('orders');
    let orders = await startServiceProcess('orders', env);
    await db.connect();
    const client = () =>
      createGrpcClient(ordersV1.ordersService(), `127.0.0.1:${orders.grpcPort}`, { deadlineMs: 5000 });

    const create = async (externalId: string) => {
      const c = client();
      try {
        return await c.call('CreateOrder', {
          caller: { allSites: true, source: 'api' },
          idempotencyKey: externalId,
          order: ordersV1.orderToProto({
            site: 'pult',
            externalId,
            currency: 'RUB',
            customer: { firstName: 'Олег', phones: ['+79031234567'] },
            items: [
              {
                name: 'Проигрыватель винила',
                quantity: 1,
                unitPrice: { amountMinor: 3499000, currency: 'RUB' },
              },
            ],
          }),
        });
      } finally {
        c.close();
      }
    };
    const unpublished = async () =>
      (await db.query('select count(*)::int as n from outbox_message where published_at is null')).rows[0]
        .n as number;

    const refData = createGrpcClient(ordersV1.referenceDataService(), `127.0.0.1:${orders.grpcPort}`);
    try {
      await refData.call('ReplaceReferenceData', { json: JSON.stringify(demoPult) });
    } finally {
      refData.close();
    }

    const first = await create('before-outage');
    await waitFor(async () => (await unpublished()) === 0, {
      message: 'first event published',
      timeoutMs: 15_000,
    });

    await kafka.control.brokerDown(1);
    const during = [await create('during-outage-1'), await create('during-outage-2')];
    assert.equal(await unpublished(), 2, 'committed, not yet published');
    await killHard(orders);

    await kafka.control.brokerUp(1);
    orders = await startServiceProcess('orders', env);
    try {
      await waitFor(async () => (await unpublished()) === 0, {
        message: 'outbox drained after restart',
        timeoutMs: 30_000,
      });
    } finally {
      orders.child.kill('SIGTERM');
    }
    assert.equal(await orders.exited, 0, 'SIGTERM stops the service cleanly');

    const transport = new KafkaTransport({
      config: loadConfig(kafkaConfig, platform.env('reader')),
      clientId: 'crash-reader',
      logger: silentLogger,
    });
    const seen: IncomingMessage[] = [];
    const reader: MessageConsumer = transport.consumer({
      groupId: `${platform.prefix}reader`,
      topics: [platform.prefix + TOPICS.orderEvents.name],
    });
    await reader.run(async (m) => void seen.push(m));
    const keys = [first, ...during].map((o) => o.id);
    await waitFor(() => keys.every((k) => seen.some((m) => m.key === k)), {
      message: 'all events read',
      timeoutMs: 15_000,
    });
    await reader.stop();
    await transport.close();
    for (const key of keys)
      assert.equal(seen.filter((m) => m.key === key).length, 1, `event of order ${key} once`);
  });
});
