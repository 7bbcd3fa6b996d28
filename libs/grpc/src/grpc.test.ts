import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGrpcClient, type GrpcClient } from './client';
import { GrpcCallError } from './errors';
import { NotFoundError, UnavailableError, ValidationError } from '@openretail/contracts';
import { grpcClientReady } from './health';
import type { GrpcLogger } from './logger';
import { dateFromTimestamp, moneyFromProto } from './money';
import { testServiceFixture } from './test-service-fixture';
import * as testingV1 from './testing-v1';
import { createGrpcServer, type GrpcServer } from './server';
import { Metadata, status } from '@grpc/grpc-js';

const silent: GrpcLogger = { info: () => {}, warn: () => {}, error: () => {} };

const validRequest = (): testingV1.CreateWidgetRequest => ({
  source: 'shop',
  externalId: 'ext-1',
  currency: 'RUB',
  owner: { name: 'Анна Петрова', email: 'anna@example.com' },
  parts: [
    { sku: 'sku-1', name: 'Tea', quantity: 2, unitPrice: { amountMinor: '15050', currency: 'RUB' } },
    { name: 'Cup', quantity: 1, unitPrice: { amountMinor: 9_007_199_254_700_000, currency: 'RUB' } },
  ],
});

describe('TestService over a real server', () => {
  const fixture = testServiceFixture();
  let server: GrpcServer;
  let client: GrpcClient<testingV1.TestServiceDefinition>;
  let address: string;

  before(async () => {
    server = createGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      services: [{ definition: testingV1.testService(), implementation: fixture.implementation }],
    });
    address = `127.0.0.1:${await server.start()}`;
    client = createGrpcClient(testingV1.load().TestService, address, {
      deadlineMs: 2000,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 40 },
      idempotentMethods: ['GetWidget'],
    });
  });

  after(async () => {
    client.close();
    await server.stop(1000);
  });

  const reset = () => Object.assign(fixture.state, { calls: {}, unavailableTimes: 0, delayMs: 0 });

  it('creates and reads a widget, with int64, oneof, optional and Timestamp fields intact', async () => {
    reset();
    const created = await client.call('CreateWidget', validRequest());
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.status, 'new');
    assert.equal(created.externalId, 'ext-1');
    assert.equal(created.owner?.name, 'Анна Петрова');
    assert.equal(created.parts[0]?.sku, 'sku-1');
    assert.equal(created.parts[1]?.sku, undefined, 'unset optional stays unset');
    assert.deepEqual(created.total, {
      amountMinor: String(2 * 15050 + 9_007_199_254_700_000),
      currency: 'RUB',
    });
    assert.deepEqual(moneyFromProto(created.parts[0]?.unitPrice), { amountMinor: 15050, currency: 'RUB' });
    assert.equal(dateFromTimestamp(created.createdAt).toISOString(), '2025-01-02T03:04:05.678Z');

    const byId = await client.call('GetWidget', { id: created.id });
    assert.deepEqual(byId, created);
    const byExternal = await client.call('GetWidget', { external: { source: 'shop', externalId: 'ext-1' } });
    assert.equal(byExternal.id, created.id);
    assert.equal(fixture.state.lastContext?.method, '/openretail.testing.v1.TestService/GetWidget');
    assert.ok(fixture.state.lastContext?.deadline instanceof Date, 'the client always sends a deadline');
  });

  it('passes request metadata to the handler', async () => {
    reset();
    const metadata = new Metadata();
    metadata.set('x-request-id', 'req-1');
    await assert.rejects(client.call('GetWidget', { id: 'x' }, { metadata }), NotFoundError);
    assert.deepEqual(fixture.state.lastContext?.metadata.get('x-request-id'), ['req-1']);
  });

  it('rebuilds ValidationError with every field violation', async () => {
    reset();
    const request = validRequest();
    request.owner = { name: '', email: 'not-an-email' };
    request.parts = [{ name: 'Tea', quantity: 0, unitPrice: { amountMinor: '1', currency: 'RUB' } }];
    const error = await client.call('CreateWidget', request).then(
      () => assert.fail('expected a ValidationError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ValidationError, String(error));
    assert.equal(error.kind, 'validation');
    assert.deepEqual(
      [...error.violations].sort((a, b) => a.field.localeCompare(b.field)),
      [
        { field: 'owner.email', reason: 'must be an email address' },
        { field: 'owner.name', reason: 'is required' },
        { field: 'parts[0].quantity', reason: 'must be at least 1' },
      ],
    );
    assert.match(error.message, /parts\[0\]\.quantity: must be at least 1/);
    assert.equal(fixture.state.calls.CreateWidget, 1, 'INVALID_ARGUMENT is never retried');
  });

  it('rejects an int64 amount beyond 2^53 with a field violation instead of rounding it', async () => {
    reset();
    const request = validRequest();
    request.parts = [
      { name: 'Tea', quantity: 1, unitPrice: { amountMinor: '9007199254740993', currency: 'RUB' } },
    ];
    await assert.rejects(client.call('CreateWidget', request), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.violations[0]?.field, 'parts[0].unitPrice.amountMinor');
      return true;
    });
  });

  it('rebuilds NotFoundError', async () => {
    reset();
    await assert.rejects(
      client.call('GetWidget', { id: '00000000-0000-0000-0000-000000000000' }),
      (e: unknown) => {
        assert.ok(e instanceof NotFoundError);
        assert.equal(e.message, 'widget 00000000-0000-0000-0000-000000000000 not found');
        return true;
      },
    );
    assert.equal(fixture.state.calls.GetWidget, 1, 'NOT_FOUND is never retried');
  });

  it('hides the message of an unexpected handler error behind INTERNAL and logs it', async () => {
    const logged: unknown[] = [];
    const failing = createGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: { ...silent, error: (fields) => logged.push(fields.err) },
      services: [
        {
          definition: testingV1.testService(),
          implementation: {
            CreateWidget: async () => {
              throw new Error('password=hunter2 in a stack trace');
            },
            GetWidget: async () => ({}),
          },
        },
      ],
    });
    const port = await failing.start();
    const other = createGrpcClient(testingV1.testService(), `127.0.0.1:${port}`);
    try {
      await assert.rejects(other.call('CreateWidget', validRequest()), (e: unknown) => {
        assert.ok(e instanceof GrpcCallError);
        assert.equal(e.code, status.INTERNAL);
        assert.doesNotMatch(e.message, /hunter2/);
        return true;
      });
      assert.equal((logged[0] as Error).message, 'password=hunter2 in a stack trace');
    } finally {
      other.close();
      await failing.stop(100);
    }
  });

  it('fails with DEADLINE_EXCEEDED on a slow handler and aborts the handler', async () => {
    reset();
    fixture.state.delayMs = 1000;
    const started = Date.now();
    await assert.rejects(
      client.call('CreateWidget', validRequest(), { deadlineMs: 100 }),
      (e: unknown) => e instanceof GrpcCallError && e.code === status.DEADLINE_EXCEEDED,
    );
    assert.ok(Date.now() - started < 900, 'gave up at the deadline');
    assert.equal(fixture.state.calls.CreateWidget, 1, 'not retried: CreateWidget is not idempotent');
    await waitFor(() => fixture.state.lastSignal?.aborted === true);
  });

  it('retries an idempotent method on DEADLINE_EXCEEDED up to maxAttempts', async () => {
    reset();
    fixture.state.delayMs = 1000;
    await assert.rejects(
      client.call('GetWidget', { id: 'x' }, { deadlineMs: 50 }),
      (e: unknown) => e instanceof GrpcCallError && e.code === status.DEADLINE_EXCEEDED,
    );
    assert.equal(fixture.state.calls.GetWidget, 3);
  });

  it('retries an idempotent method after a transient UNAVAILABLE', async () => {
    reset();
    const created = await client.call('CreateWidget', validRequest());
    fixture.state.unavailableTimes = 2;
    const widget = await client.call('GetWidget', { id: created.id });
    assert.equal(widget.id, created.id);
    assert.equal(fixture.state.calls.GetWidget, 3);
  });

  it('gives up with UnavailableError after maxAttempts', async () => {
    reset();
    fixture.state.unavailableTimes = 10;
    await assert.rejects(client.call('GetWidget', { id: 'x' }), UnavailableError);
    assert.equal(fixture.state.calls.GetWidget, 3);
  });

  it('never retries a non-idempotent method', async () => {
    reset();
    fixture.state.unavailableTimes = 1;
    await assert.rejects(client.call('CreateWidget', validRequest()), UnavailableError);
    assert.equal(fixture.state.calls.CreateWidget, 1);
  });

  it('cancels a call and its retries through an AbortSignal', async () => {
    reset();
    fixture.state.delayMs = 1000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      client.call('GetWidget', { id: 'x' }, { signal: controller.signal }),
      (e: unknown) => e instanceof GrpcCallError && e.code === status.CANCELLED,
    );
    assert.equal(fixture.state.calls.GetWidget, 1);
    await waitFor(() => fixture.state.lastSignal?.aborted === true);
  });

  it('reports readiness of a connected channel', async () => {
    const ready = grpcClientReady(client);
    assert.equal(ready.name, 'grpc:openretail.testing.v1.TestService');
    await ready.check();
  });

  it('has typed methods and requests', () => {
    const typeOnly = () => {
      // @ts-expect-error -- no such method
      void client.call('DeleteWidget', {});
      // @ts-expect-error -- quantity is an int32
      void client.call('CreateWidget', { parts: [{ quantity: 'two' }] });
      // @ts-expect-error -- not a method of the service
      createGrpcClient(testingV1.testService(), address, { idempotentMethods: ['Nope'] });
      const definition = testingV1.testService();
      const implementation = { CreateWidget: async () => ({}) };
      // @ts-expect-error -- GetWidget is not implemented
      createGrpcServer({ port: 0, services: [{ definition, implementation }] });
    };
    assert.equal(typeof typeOnly, 'function');
  });
});

describe('client against an unreachable server', () => {
  it('retries an idempotent call, then fails with UnavailableError; readiness fails', async () => {
    const client = createGrpcClient(testingV1.testService(), '127.0.0.1:1', {
      retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 10 },
      idempotentMethods: ['GetWidget'],
    });
    try {
      await assert.rejects(client.call('GetWidget', { id: 'x' }), UnavailableError);
      await assert.rejects(
        grpcClientReady(client, { timeoutMs: 200 }).check(),
        /no connection to 127\.0\.0\.1:1/,
      );
    } finally {
      client.close();
    }
  });
});

describe('graceful stop', () => {
  async function startServer(delayMs: number) {
    const fixture = testServiceFixture();
    fixture.state.delayMs = delayMs;
    const server = createGrpcServer({
      host: '127.0.0.1',
      port: 0,
      logger: silent,
      services: [{ definition: testingV1.testService(), implementation: fixture.implementation }],
    });
    const port = await server.start();
    const client = createGrpcClient(testingV1.testService(), `127.0.0.1:${port}`, { deadlineMs: 10_000 });
    return { fixture, server, client };
  }

  it('lets running calls finish, then refuses new ones', async () => {
    const { server, client } = await startServer(200);
    try {
      const inFlight = client.call('CreateWidget', validRequest());
      await new Promise((r) => setTimeout(r, 50));
      const stopped = server.stop(5000);
      const widget = await inFlight;
      assert.equal(widget.status, 'new');
      await stopped;
      await assert.rejects(client.call('CreateWidget', validRequest()), UnavailableError);
    } finally {
      client.close();
    }
  });

  it('cancels calls still running after the grace period', async () => {
    const { fixture, server, client } = await startServer(10_000);
    try {
      const inFlight = client.call('CreateWidget', validRequest()).then(
        () => assert.fail('expected the call to be cancelled'),
        (e: unknown) => e,
      );
      await waitFor(() => fixture.state.calls.CreateWidget === 1);
      const started = Date.now();
      await server.stop(100);
      assert.ok(Date.now() - started < 2000, 'stop() did not wait for the slow handler');
      assert.ok((await inFlight) instanceof GrpcCallError);
      await waitFor(() => fixture.state.lastSignal?.aborted === true);
    } finally {
      client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
