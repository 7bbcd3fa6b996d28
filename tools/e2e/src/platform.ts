import { createTestDatabase, type TestDatabase } from '@openretail/persistence';
import { localKafka, localKafkaEnv, provisionTopics, uniqueName, type LocalKafka } from '@openretail/testing';

/**
 * Databases and a private topic prefix for one suite, and the environment each service runs
 * with: the same variables a deployment sets, pointed at throw-away resources.
 */
export interface TestPlatform {
  kafka: LocalKafka;
  prefix: string;
  env(service: string, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function createTestPlatform(
  label: string,
  servicesWithDatabase: string[],
  kafka: LocalKafka = localKafka(),
): Promise<TestPlatform> {
  const prefix = `${uniqueName(label)}.`;
  await provisionTopics(kafka.control, prefix);
  const databases: Record<string, TestDatabase> = {};
  for (const service of servicesWithDatabase)
    databases[service] = await createTestDatabase(`${label}_${service}`);
  return {
    kafka,
    prefix,
    env: (service, extra = {}) => ({
      ...(databases[service] ? { DATABASE_URL: databases[service].url, MIGRATE_ON_START: 'true' } : {}),
      ...localKafkaEnv(kafka.brokers, prefix),
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '2000',
      ...extra,
    }),
    async close() {
      for (const db of Object.values(databases)) await db.drop();
    },
  };
}
