import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { createLogger, NestJsonLogger } from './logger';
import { startTracing } from './tracing';

// A context manager is needed for an "active" span; HTTP is not involved here.
startTracing({ serviceName: 'logger-test', instrumentHttp: false });

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { lines, destination };
}

test('lines are JSON with ISO UTC time, level label, service and the active span ids', () => {
  const { lines, destination } = capture();
  const logger = createLogger({ service: 'orders', level: 'info', destination });
  let ids: { traceId: string; spanId: string } | undefined;
  trace.getTracer('test').startActiveSpan('place-order', (span) => {
    ids = span.spanContext();
    logger.info({ orderId: 'o-1' }, 'order placed');
    span.end();
  });
  logger.info('outside a span');
  logger.debug('below the level');

  assert.equal(lines.length, 2);
  const [inside, outside] = lines;
  assert.equal(inside.msg, 'order placed');
  assert.equal(inside.level, 'info');
  assert.equal(inside.service, 'orders');
  assert.equal(inside.orderId, 'o-1');
  assert.match(String(inside.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(inside.trace_id, ids?.traceId);
  assert.equal(inside.span_id, ids?.spanId);
  assert.match(String(inside.trace_id), /^[0-9a-f]{32}$/);
  assert.equal(outside.trace_id, undefined);
  assert.equal(outside.span_id, undefined);
});

test('NestJsonLogger maps Nest calls to levels with context and stack', () => {
  const { lines, destination } = capture();
  const nest = new NestJsonLogger(createLogger({ service: 'orders', level: 'debug', destination }));
  nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
  nest.warn('slow consumer');
  nest.debug({ partitions: 3 }, 'KafkaConsumer');
  nest.verbose('hidden below debug', 'Noise');
  const failure = new Error('boom');
  nest.error('Unhandled', failure.stack, 'ExceptionsHandler');
  nest.error('lone stack', failure.stack);
  nest.error(failure);

  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.context]),
    [
      ['info', 'Mapped {/health/live, GET} route', 'RouterExplorer'],
      ['warn', 'slow consumer', undefined],
      ['debug', undefined, 'KafkaConsumer'],
      ['error', 'Unhandled', 'ExceptionsHandler'],
      ['error', 'lone stack', undefined],
      ['error', 'boom', undefined],
    ],
  );
  assert.deepEqual(lines[2].data, { partitions: 3 });
  assert.equal(lines[3].stack, failure.stack);
  assert.equal(lines[4].stack, failure.stack);
  assert.match(String((lines[5].err as { stack: string }).stack), /Error: boom/);
});
