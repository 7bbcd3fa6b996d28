/**
 * Creates every topic of the registry on a real Kafka cluster (the Helm provisioning job).
 * Idempotent: existing topics are left as they are. The local mock broker gets its topics from
 * its launcher instead, because its metadata has no usable controller for CreateTopics.
 */
import { env, loadConfig } from '@openretail/config';
import { allTopics } from '@openretail/contracts';
import { kafkaConfig } from '../config';
import { KafkajsTransport } from '../kafka/kafkajs-transport';

async function main() {
  const config = loadConfig({
    ...kafkaConfig,
    TOPIC_REPLICATION_FACTOR: env.int({ min: 1, max: 10, default: 3 }),
  });
  const log = (level: string) => (obj: object, msg?: string) =>
    console.log(JSON.stringify({ level, msg, ...obj }));
  const transport = new KafkajsTransport({
    config,
    clientId: 'openretail-topic-provisioner',
    logger: { debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error') },
  });
  try {
    const created = await transport.ensureTopics(allTopics(), config.TOPIC_REPLICATION_FACTOR);
    console.log(created.length ? `created topics: ${created.join(', ')}` : 'all topics exist');
  } finally {
    await transport.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
