import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing';

// As in a service's main: tracing first, Nest (and through it Fastify and `http`) only afterwards.
const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);
startTracing({ serviceName: 'orders', spanProcessors: [processor] });

/* eslint-disable @typescript-eslint/no-require-imports */
const { Controller, Get, Inject, Module } = require('@nestjs/common') as typeof import('@nestjs/common');
const { NestFactory } = require('@nestjs/core') as typeof import('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify') as typeof import('@nestjs/platform-fastify');
const { createLogger } = require('./logger') as typeof import('./logger');
const { APP_LOGGER, ObservabilityModule } =
  require('./observability.module') as typeof import('./observability.module');
/* eslint-enable @typescript-eslint/no-require-imports */

test('a request into a Nest handler continues the caller trace and its log lines carry the ids', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'orders',
    level: 'info',
    destination: { write: (l) => void lines.push(JSON.parse(l)) },
  });

  @Controller('orders')
  class OrdersController {
    constructor(@Inject(APP_LOGGER) private readonly log: typeof logger) {}

    @Get()
    list(): string[] {
      this.log.info('listing orders');
      return [];
    }
  }

  @Module({
    imports: [ObservabilityModule.forRoot({ serviceName: 'orders', logger })],
    controllers: [OrdersController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  t.after(() => app.close());
  const { port } = app.getHttpServer().address() as AddressInfo;

  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const headers = { traceparent: `00-${traceId}-00f067aa0ba902b7-01` };
  assert.equal((await fetch(`http://127.0.0.1:${port}/orders`, { headers })).status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/health/live`, { headers })).status, 200);
  await processor.forceFlush();

  const servers = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
  assert.equal(servers.length, 1, 'the probe is not traced');
  assert.equal(servers[0].spanContext().traceId, traceId);
  const line = lines.find((l) => l.msg === 'listing orders');
  assert.equal(line?.trace_id, traceId);
  assert.equal(line?.span_id, servers[0].spanContext().spanId);
});
