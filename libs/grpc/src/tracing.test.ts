import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createGrpcClient, type GrpcClient } from './client';
import { NotFoundError } from '@openretail/contracts';
import * as testingV1 from './testing-v1';
import { createGrpcServer, type GrpcServer } from './server';

// This file runs in its own process (node --test), so the global provider does not leak elsewhere.
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const silent = { info: () => {}, warn: () => {}, error: () => {} };
const SERVICE = 'openretail.testing.v1.TestService';

describe('trace context across a gRPC call', () => {
  let server: GrpcServer;
  let client: GrpcClient<testingV1.TestServiceDefinition>;
  let address: string;

  before(async () => {
    const handlerTracer = trace.getTracer('widgets-handler');
    server = createGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      services: [
        {
          definition: testingV1.testService(),
          implementation: {
            // A span started in the handler must be a child of the server span (active context).
            CreateWidget: async () =>
              handlerTracer.startActiveSpan('db.insert', async (span) => {
                await new Promise((r) => setTimeout(r, 5));
                span.end();
                return { id: 'w-1', status: 'new' };
              }),
            GetWidget: async () => {
              throw new NotFoundError('no such widget');
            },
          },
        },
      ],
    });
    address = `127.0.0.1:${await server.start()}`;
    client = createGrpcClient(testingV1.testService(), address);
  });

  after(async () => {
    client.close();
    await server.stop(1000);
  });

  beforeEach(() => exporter.reset());

  it('parents HTTP request -> gRPC client -> gRPC server -> handler spans in one trace', async () => {
    const httpSpan = trace.getTracer('http').startSpan('POST /widgets', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), httpSpan), () =>
      client.call('CreateWidget', { source: 'shop' }),
    );
    httpSpan.end();

    const spans = exporter.getFinishedSpans();
    const find = (name: string, kind: SpanKind) => {
      const found = spans.find((s) => s.name === name && s.kind === kind);
      assert.ok(found, `${SpanKind[kind]} span ${name} recorded; got ${spans.map((s) => s.name).join(', ')}`);
      return found;
    };
    const http = find('POST /widgets', SpanKind.SERVER);
    const clientSpan = find(`${SERVICE}/CreateWidget`, SpanKind.CLIENT);
    const serverSpan = find(`${SERVICE}/CreateWidget`, SpanKind.SERVER);
    const dbSpan = find('db.insert', SpanKind.INTERNAL);

    const traceId = http.spanContext().traceId;
    for (const span of [clientSpan, serverSpan, dbSpan])
      assert.equal(span.spanContext().traceId, traceId, span.name);
    assert.equal(clientSpan.parentSpanContext?.spanId, http.spanContext().spanId);
    assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId);
    assert.equal(serverSpan.parentSpanContext?.isRemote, true);
    assert.equal(dbSpan.parentSpanContext?.spanId, serverSpan.spanContext().spanId);

    assert.equal(clientSpan.name, `${SERVICE}/CreateWidget`);
    for (const span of [clientSpan, serverSpan]) {
      assert.equal(span.attributes['rpc.system'], 'grpc');
      assert.equal(span.attributes['rpc.service'], SERVICE);
      assert.equal(span.attributes['rpc.method'], 'CreateWidget');
      assert.equal(span.attributes['rpc.grpc.status_code'], status.OK);
    }
    assert.equal(clientSpan.attributes['server.address'], '127.0.0.1');
  });

  it('records the status code; NOT_FOUND is an error on the client span only', async () => {
    await assert.rejects(client.call('GetWidget', { id: 'x' }), NotFoundError);
    const spans = exporter.getFinishedSpans();
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
    assert.ok(clientSpan && serverSpan);
    assert.equal(clientSpan.attributes['rpc.grpc.status_code'], status.NOT_FOUND);
    assert.equal(serverSpan.attributes['rpc.grpc.status_code'], status.NOT_FOUND);
    assert.equal(clientSpan.status.code, SpanStatusCode.ERROR);
    assert.equal(serverSpan.status.code, SpanStatusCode.UNSET);
    assert.equal(serverSpan.parentSpanContext?.spanId, clientSpan.spanContext().spanId);
  });

  it('continues a traceparent sent by a plain grpc-js client', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${parentId}-01`);
    const method = testingV1.testService().GetWidget;
    const raw = new Client(address, credentials.createInsecure());
    try {
      await new Promise<void>((resolve) =>
        raw.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          { id: 'x' },
          metadata,
          () => resolve(),
        ),
      );
    } finally {
      raw.close();
    }
    const serverSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    assert.ok(serverSpan);
    assert.equal(serverSpan.spanContext().traceId, traceId);
    assert.equal(serverSpan.parentSpanContext?.spanId, parentId);
  });
});
