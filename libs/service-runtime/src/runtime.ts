/* eslint-disable @typescript-eslint/no-require-imports --
   Nest, Fastify, gRPC and the service's own modules are required inside startService, after
   tracing starts: instrumentation only patches modules loaded after it is installed. */
import type { INestApplication, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MikroORM } from '@mikro-orm/postgresql';
import { env, loadConfig, type ConfigOf, type ConfigShape } from '@openretail/config';
import { createLogger, observabilityConfig, startTracing, type Logger } from '@openretail/observability';
import type { GrpcServer } from '@openretail/grpc';
import type { EventConsumer, MessageProducer, MessageTransport, OutboxRelay } from '@openretail/messaging';
import type { ServiceDefinition } from './definition';

export interface StartOptions {
  /** Environment to read instead of process.env (tests boot several services in one process). */
  env?: Record<string, string | undefined>;
  /** Extra span processors for the process-wide tracer (tests pass an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

export interface RunningService {
  name: string;
  app: INestApplication;
  httpPort: number;
  grpcPort?: number;
  logger: Logger;
  /** Graceful stop: not ready, stop taking work, finish what is in flight, close connections. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

function commonShape(def: ServiceDefinition) {
  return {
    ...observabilityConfig,
    HTTP_PORT: env.int({ min: 0, max: 65535, default: def.defaultHttpPort }),
    SHUTDOWN_GRACE_MS: env.int({ min: 0, max: 120_000, default: 10_000 }),
  };
}

/**
 * Boots one service: configuration (all problems reported at once), tracing, logger, database
 * with migrations in development, Kafka transport, outbox relay, the Nest application on
 * Fastify with health and metrics, the gRPC server and the event consumers, in that order, and
 * closes them in the reverse order.
 */
export async function startService<S extends ConfigShape>(
  def: ServiceDefinition<S>,
  options: StartOptions = {},
): Promise<RunningService> {
  const source = options.env ?? process.env;
  const base = loadConfig(
    {
      ...commonShape(def),
      ...(def.database ? require('@openretail/persistence').databaseConfig : {}),
      ...(def.kafka || def.consumers ? require('@openretail/messaging').kafkaConfig : {}),
      ...(def.grpc ? require('@openretail/grpc').grpcServerConfig(def.grpc.defaultPort) : {}),
      ...(def.config ?? {}),
    } as ConfigShape,
    source,
  ) as Record<string, unknown> & ConfigOf<ReturnType<typeof commonShape>>;

  startTracing({
    serviceName: base.OTEL_SERVICE_NAME ?? def.name,
    otlpEndpoint: base.OTEL_EXPORTER_OTLP_ENDPOINT,
    spanProcessors: options.spanProcessors,
  });
  const logger = createLogger({ service: def.name, level: base.LOG_LEVEL });

  const { NestFactory } = require('@nestjs/core') as typeof import('@nestjs/core');
  const { FastifyAdapter } = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
  const { HealthRegistry, NestJsonLogger } =
    require('@openretail/observability') as typeof import('@openretail/observability');
  const { PlatformModule } = require('./platform.module') as typeof import('./platform.module');

  const closers: (() => Promise<unknown>)[] = [];
  let closing: Promise<void> | undefined;
  const closeAll = () =>
    (closing ??= (async () => {
      for (const close of [...closers].reverse()) {
        await close().catch((e: unknown) => logger.error({ err: e }, 'error while stopping'));
      }
    })());

  try {
    const orm = def.database ? await openServiceDatabase(def, base, logger) : undefined;
    if (orm) closers.push(() => orm.close(true));

    const kafka = def.kafka || def.consumers ? await openKafka(def, base, logger, orm) : undefined;
    if (kafka) closers.push(() => kafka.close());

    const app = await NestFactory.create<NestFastifyApplication>(
      PlatformModule.forRoot({
        module: def.module() as Type<unknown>,
        orm,
        transport: kafka?.transport,
        config: base,
        serviceName: def.name,
        logger,
      }),
      new FastifyAdapter({
        bodyLimit: def.bodyLimitBytes?.(base as ConfigOf<S>) ?? DEFAULT_BODY_LIMIT_BYTES,
      }),
      { logger: new NestJsonLogger(logger), abortOnError: false },
    );
    closers.push(() => app.close());

    const health = app.get(HealthRegistry);
    const { databaseHealth } = require('@openretail/persistence') as typeof import('@openretail/persistence');
    const { kafkaHealth } = require('@openretail/messaging') as typeof import('@openretail/messaging');
    if (orm) health.register(databaseHealth(orm));
    if (kafka) health.register(kafkaHealth(kafka.transport));
    for (const check of def.healthChecks?.(app) ?? []) health.register(check);

    await app.listen({ port: base.HTTP_PORT as number, host: '0.0.0.0' });
    const httpPort = Number(new URL(await app.getUrl()).port);

    let grpcPort: number | undefined;
    if (def.grpc) {
      const { createGrpcServer } = require('@openretail/grpc') as typeof import('@openretail/grpc');
      const server: GrpcServer = createGrpcServer({
        port: base.GRPC_PORT as number,
        services: def.grpc.services(app),
        logger,
      });
      grpcPort = await server.start();
      closers.push(() => server.stop(base.SHUTDOWN_GRACE_MS));
    }

    if (kafka && orm) {
      for (const spec of def.consumers?.(app) ?? []) {
        const consumer: EventConsumer = kafka.consumer(spec, orm);
        await consumer.start();
        closers.push(() => consumer.stop());
      }
    }

    // Readiness fails first, so load balancers stop sending work before anything closes.
    closers.push(async () => health.markShuttingDown());
    logger.info({ httpPort, grpcPort }, `${def.name} started`);
    return { name: def.name, app, httpPort, grpcPort, logger, close: closeAll };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function openServiceDatabase(def: ServiceDefinition, config: Record<string, unknown>, logger: Logger) {
  const { openDatabase, migrateUp } =
    require('@openretail/persistence') as typeof import('@openretail/persistence');
  const { messagingEntities } = require('@openretail/messaging') as typeof import('@openretail/messaging');
  const orm = await openDatabase({
    url: config.DATABASE_URL as string,
    entities: [...def.database!.entities, ...messagingEntities],
    serviceDir: def.database!.serviceDir,
    poolMax: config.DATABASE_POOL_MAX as number,
  });
  if (config.MIGRATE_ON_START) {
    const applied = await migrateUp(orm);
    if (applied.length) logger.info({ applied }, 'database migrations applied');
  }
  return orm;
}

async function openKafka(
  def: ServiceDefinition,
  config: Record<string, unknown>,
  logger: Logger,
  orm: MikroORM | undefined,
) {
  const messaging = require('@openretail/messaging') as typeof import('@openretail/messaging');
  const kafkaConfig = config as ConfigOf<typeof messaging.kafkaConfig>;
  const transport: MessageTransport = new messaging.KafkaTransport({
    config: kafkaConfig,
    clientId: def.name,
    logger,
  });
  let producer: MessageProducer | undefined;
  let relay: OutboxRelay | undefined;
  if (def.kafka?.outbox) {
    if (!orm) throw new Error(`${def.name}: an outbox needs a database`);
    producer = transport.producer();
    await producer.connect();
    relay = new messaging.OutboxRelay({
      databaseUrl: config.DATABASE_URL as string,
      producer,
      logger,
      topicPrefix: kafkaConfig.KAFKA_TOPIC_PREFIX,
    });
    messaging.wakeRelayOnCommit(orm, relay);
    relay.start();
  }
  return {
    transport,
    consumer: (spec: import('./definition').ConsumerSpec, db: MikroORM) =>
      new messaging.EventConsumer({
        ...spec,
        transport,
        orm: db,
        logger,
        topicPrefix: kafkaConfig.KAFKA_TOPIC_PREFIX,
      }),
    async close() {
      await relay?.stop();
      await producer?.disconnect();
      await transport.close();
    },
  };
}

/**
 * The process entry point of a service: starts it, and stops it gracefully on SIGTERM/SIGINT.
 * The handlers are in place from the first moment: a signal during start-up (which may wait seconds
 * for a consumer group, while the outbox relay already publishes) stops the service as soon as it
 * has started, instead of killing it mid-way. A configuration error prints every offending variable
 * and exits 1.
 */
export function runService<S extends ConfigShape>(def: ServiceDefinition<S>): void {
  let service: RunningService | undefined;
  let signal: string | undefined;
  let stopping = false;
  const stop = (received: string) => {
    signal ??= received;
    if (!service || stopping) return;
    stopping = true;
    service.logger.info({ signal }, `${def.name} stopping`);
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  startService(def).then(
    (started) => {
      service = started;
      if (signal) stop(signal);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.name === 'ConfigError' ? e.message : e.stack) : e);
      process.exit(1);
    },
  );
}
