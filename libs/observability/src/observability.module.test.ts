import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Injectable, Module, Param, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthRegistry } from './health';
import { createLogger, NestJsonLogger } from './logger';
import { ObservabilityModule } from './observability.module';

/** What another library does: register its indicator with the global registry. */
@Injectable()
class PostgresHealth implements OnModuleInit {
  constructor(private readonly health: HealthRegistry) {}

  onModuleInit(): void {
    this.health.register({
      name: 'postgres',
      check: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
    });
  }
}

@Controller('orders')
class OrdersController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    return { id };
  }
}

@Module({
  imports: [ObservabilityModule.forRoot({ serviceName: 'orders' })],
  controllers: [OrdersController],
  providers: [PostgresHealth],
})
class AppModule {}

test('health, readiness with reasons, metrics, and JSON Nest logs on a Fastify app', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'orders',
    level: 'info',
    destination: { write: (l) => void lines.push(JSON.parse(l)) },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    logger: new NestJsonLogger(logger),
  });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  const { port } = app.getHttpServer().address() as AddressInfo;
  const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

  const live = await get('/health/live');
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: 'ok' });

  const ready = await get('/health/ready');
  assert.equal(ready.status, 503);
  const report = (await ready.json()) as {
    status: string;
    checks: Record<string, { status: string; reason?: string }>;
  };
  assert.equal(report.status, 'error');
  assert.deepEqual(
    { status: report.checks.postgres.status, reason: report.checks.postgres.reason },
    { status: 'error', reason: 'connect ECONNREFUSED 127.0.0.1:5432' },
  );

  assert.equal((await get('/orders/42')).status, 200);
  assert.equal((await get('/no/such/route')).status, 404);

  const scrape = await get('/metrics');
  assert.equal(scrape.status, 200);
  assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await scrape.text();
  assert.match(text, /^process_cpu_user_seconds_total \d/m);
  assert.match(
    text,
    /^http_server_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status_code="200"\} 1$/m,
  );
  assert.match(
    text,
    /^http_server_request_duration_seconds_count\{method="GET",route="\/health\/ready",status_code="503"\} 1$/m,
  );
  assert.match(
    text,
    /^http_server_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1$/m,
  );

  assert.ok(
    lines.some((l) => l.context === 'RouterExplorer' && l.level === 'info' && l.service === 'orders'),
    'Nest startup lines are JSON with their context',
  );
});

test('readiness fails once the application starts closing', async () => {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  const health = app.get(HealthRegistry);
  assert.equal(health.isShuttingDown, false);
  await app.close();
  assert.equal(health.isShuttingDown, true);
});
