import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { allTopics } from '@openretail/contracts';
import {
  KafkaApi,
  KafkaErrorCode,
  KafkaMockError,
  localKafka,
  provisionTopics,
  startKafkaMock,
  uniqueName,
  waitFor,
  type KafkaMockCluster,
} from './index';

// Fail fast: the assertions are about the first failure, not about kafkajs' retry loop.
const client = (brokers: string[]) =>
  new Kafka({
    clientId: uniqueName('testing'),
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
    requestTimeout: 2000,
  });

const producerOf = (kafka: Kafka) =>
  kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });

describe('the shared local Kafka (npm run infra:up)', () => {
  test('answers ping on its control port', async () => {
    const { brokers, control } = localKafka();
    assert.ok(brokers.length >= 1);
    await control.ping();
    assert.deepEqual(await control.bootstraps(), brokers);
  });

  test('a created topic carries a message from a producer to a consumer group', async () => {
    const { brokers, control } = localKafka();
    const topic = uniqueName('testing-roundtrip');
    await control.createTopic(topic, 2);
    await assert.rejects(control.createTopic(topic, 2), /already exists/);

    const kafka = client(brokers);
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'order-1', value: 'hello' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('testing-group'), maxWaitTimeInMs: 50 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(`${message.key}=${message.value}`) });
      });
      assert.equal(await received, 'order-1=hello');
    } finally {
      await consumer.disconnect();
    }
  });
});

// Faults are cluster-wide, so they go to a private cluster rather than the one other tests share.
describe('fault injection on a private cluster', () => {
  let mock: KafkaMockCluster;
  let producer: Producer;
  const topic = 'faults';
  const send = (value: string) => producer.send({ topic, messages: [{ value }] });

  before(async () => {
    mock = await startKafkaMock({ topics: { [topic]: 1 } });
    producer = producerOf(client(mock.brokers));
    await producer.connect();
  });

  after(async () => {
    await producer?.disconnect();
    await mock?.stop();
  });

  test('brokerDown makes produce fail and brokerUp recovers', async () => {
    await mock.control.brokerDown(1);
    await assert.rejects(send('while down'), /ECONNREFUSED|Connection|timeout/i);
    await mock.control.brokerUp(1);
    await waitFor(() => send('after up'), {
      timeoutMs: 10_000,
      message: 'produce to succeed after brokerUp',
    });
  });

  test('pushErrors on Produce fails the next produce with that code, once', async () => {
    await mock.control.pushErrors(KafkaApi.Produce, [KafkaErrorCode.NOT_ENOUGH_REPLICAS]);
    const error = await send('rejected').then(
      () => assert.fail('expected the produce to fail'),
      (e: Error & { cause?: { code?: number; type?: string } }) => e,
    );
    // kafkajs wraps the broker's error once its retries (none here) are spent.
    const protocolError = error.cause ?? error;
    assert.equal((protocolError as { code?: number }).code, KafkaErrorCode.NOT_ENOUGH_REPLICAS);
    assert.equal((protocolError as { type?: string }).type, 'NOT_ENOUGH_REPLICAS');
    await send('accepted');
  });

  test('clearErrors drops the errors still queued', async () => {
    await mock.control.pushErrors(KafkaApi.Produce, [
      KafkaErrorCode.NOT_LEADER_OR_FOLLOWER,
      KafkaErrorCode.REQUEST_TIMED_OUT,
    ]);
    await mock.control.clearErrors(KafkaApi.Produce);
    await send('no errors left');
  });

  test('brokerRtt delays the answers of a broker', async () => {
    await mock.control.brokerRtt(1, 200);
    const start = Date.now();
    await send('slow');
    assert.ok(Date.now() - start >= 190, `send took ${Date.now() - start} ms`);
    await mock.control.brokerRtt(1, 0);
  });

  test('provisionTopics creates every registry topic under the prefix', async () => {
    const prefix = `${uniqueName('provision')}.`;
    await provisionTopics(mock.control, prefix);
    const [first] = allTopics();
    await assert.rejects(mock.control.createTopic(prefix + first.name, first.partitions), /already exists/);
  });

  test('the mock answers ERR as a KafkaMockError naming the command', async () => {
    await assert.rejects(mock.control.brokerDown(9), (e: Error) => {
      assert.ok(e instanceof KafkaMockError);
      assert.match(e.message, /'broker-down 9' failed: .*not available/i);
      return true;
    });
  });
});
