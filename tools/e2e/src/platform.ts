import { createTestDatabase, type TestDatabase } from '@openretail/persistence';
import { startService, type RunningService } from '@openretail/service-runtime';
import { orderGatewayServiceDefinition } from '@openretail/svc-order-gateway/dist/service';
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

/**
 * The bootstrap admin key of the gateways tests start (every permission, every site); the
 * gateway creates it at start-up from GATEWAY_BOOTSTRAP_ADMIN_KEY.
 */
export const TEST_ADMIN_KEY = 'ork_e2eTestsOnlyBootstrapAdminKey0000000000';

/** Request headers that authenticate with `key` (default the admin key), plus any others. */
export function authHeaders(key: string = TEST_ADMIN_KEY, extra: Record<string, string> = {}) {
  return { 'X-API-Key': key, ...extra };
}

/**
 * Starts the order-gateway with TEST_ADMIN_KEY as its bootstrap admin key. `env` is what the
 * platform gives it (`platform.env('order-gateway', { ORDERS_GRPC_URL })`, with the gateway among
 * the platform's services with a database).
 */
export function startGateway(env: Record<string, string>): Promise<RunningService> {
  return startService(orderGatewayServiceDefinition, {
    env: { GATEWAY_BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY, ...env },
  });
}
