import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing';

// Started before anything loads `http`, as a service's main does.
const exporter = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor(exporter);
const tracing = startTracing({ serviceName: 'tracing-test', spanProcessors: [processor] });

test('a second start returns the same handle and adds nothing', () => {
  const again = startTracing({ serviceName: 'other', otlpEndpoint: 'http://127.0.0.1:1' });
  assert.equal(again, tracing);
  assert.equal(again.serviceName, 'tracing-test');
});

test('an HTTP request yields client and server spans in one trace; probes and scrapes are not traced', async () => {
  // Required here, after startTracing, so the instrumentation has patched it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as typeof import('node:http');
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });

  exporter.reset();
  for (const path of ['/orders/1', '/health/ready', '/metrics?x=1']) assert.equal(await get(path), 'ok');
  await new Promise((resolve) => server.close(resolve));
  // Export waits for the detected resource attributes (host id is read asynchronously).
  await processor.forceFlush();

  const spans = exporter.getFinishedSpans();
  const servers = spans.filter((s) => s.kind === SpanKind.SERVER);
  const clients = spans.filter((s) => s.kind === SpanKind.CLIENT);
  assert.equal(servers.length, 1, 'only /orders/1 gets a server span');
  assert.equal(clients.length, 3, 'outgoing requests are all traced');
  const [serverSpan] = servers;
  const clientSpan = clients.find((c) => c.spanContext().spanId === serverSpan.parentSpanContext?.spanId);
  assert.ok(clientSpan, 'the server span is a child of a client span (traceparent propagated)');
  assert.equal(serverSpan.spanContext().traceId, clientSpan.spanContext().traceId);
  assert.equal(serverSpan.resource.attributes['service.name'], 'tracing-test');
});

test('shutdown flushes and can be called more than once', async () => {
  const first = tracing.shutdown();
  assert.equal(tracing.shutdown(), first);
  await first;
});
