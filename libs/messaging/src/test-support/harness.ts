import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '@openretail/config';
import { OrderCreatedV1, money, newId, type EventEnvelope } from '@openretail/contracts';
import { createTestDatabase, ormOptions, type TestDatabase } from '@openretail/persistence';
import { localKafka, localKafkaEnv, provisionTopics, uniqueName } from '@openretail/testing';
import { kafkaConfig } from '../config';
import { KafkajsTransport } from '../kafka/kafkajs-transport';
import { silentLogger } from '../logger';
import { messagingEntities } from '../index';

/** A domain row written next to outbox events, to prove both commit or roll back together. */
@Entity({ tableName: 'test_note' })
export class TestNote {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'text' })
  text!: string;
}

export interface Harness {
  db: TestDatabase;
  orm: MikroORM;
  prefix: string;
  transport: KafkajsTransport;
  close(): Promise<void>;
}

/** A throw-away database with the messaging tables and a private set of topics on the local broker. */
export async function openHarness(label: string): Promise<Harness> {
  const db = await createTestDatabase(label);
  const orm = await MikroORM.init(
    ormOptions({ url: db.url, entities: [...messagingEntities, TestNote], serviceDir: __dirname }),
  );
  await orm.schema.createSchema();
  const kafka = await localKafka();
  const prefix = `${uniqueName(label)}.`;
  await provisionTopics(kafka.control, prefix);
  const transport = new KafkajsTransport({
    config: loadConfig(kafkaConfig, localKafkaEnv(kafka.brokers, prefix)),
    clientId: label,
    logger: silentLogger,
  });
  return {
    db,
    orm,
    prefix,
    transport,
    async close() {
      await transport.close();
      await orm.close(true);
      await db.drop();
    },
  };
}

export function orderCreated(orderId = newId(), number = 'T-1'): EventEnvelope {
  return OrderCreatedV1.create(
    {
      orderId,
      number,
      site: 'main',
      status: 'new',
      customer: { firstName: 'Ivan', email: 'ivan@example.com' },
      items: [{ name: 'Amplifier', quantity: 1, unitPrice: money(4999000, 'RUB') }],
      total: money(4999000, 'RUB'),
      createdAt: new Date().toISOString(),
    },
    { source: 'test', aggregateId: orderId },
  );
}
