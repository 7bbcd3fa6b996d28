import { Metadata, status } from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { FIELD_VIOLATIONS_TRAILER, GrpcCallError, fromGrpcStatus, toGrpcStatus } from './errors';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '@openretail/contracts';

describe('error mapping', () => {
  const cases = [
    [
      new ValidationError([{ field: 'site', reason: 'is required' }]),
      status.INVALID_ARGUMENT,
      ValidationError,
    ],
    [new NotFoundError('order 1 not found'), status.NOT_FOUND, NotFoundError],
    [new ConflictError('external id taken'), status.ALREADY_EXISTS, ConflictError],
    [new PreconditionError('order is delivered'), status.FAILED_PRECONDITION, PreconditionError],
    [new UnauthenticatedError('API key revoked'), status.UNAUTHENTICATED, UnauthenticatedError],
    [new PermissionDeniedError('site not allowed'), status.PERMISSION_DENIED, PermissionDeniedError],
    [new UnavailableError('database down'), status.UNAVAILABLE, UnavailableError],
  ] as const;

  for (const [error, code, ErrorClass] of cases) {
    it(`${error.name} <-> ${status[code]} keeps class and message`, () => {
      const wire = toGrpcStatus(error);
      assert.equal(wire.code, code);
      assert.equal(wire.internal, false);
      const rebuilt = fromGrpcStatus(wire);
      assert.ok(rebuilt instanceof ErrorClass);
      assert.equal(rebuilt.message, error.message);
      assert.equal(rebuilt.name, error.name);
    });
  }

  it('hides unknown errors behind INTERNAL', () => {
    const wire = toGrpcStatus(new TypeError('secret detail'));
    assert.deepEqual([wire.code, wire.details, wire.internal], [status.INTERNAL, 'internal error', true]);
    const rebuilt = fromGrpcStatus(wire);
    assert.ok(rebuilt instanceof GrpcCallError);
    assert.equal(rebuilt.code, status.INTERNAL);
  });

  it('sends violations as ASCII-only JSON and reads them back', () => {
    const violations = [{ field: 'customer.firstName', reason: 'обязательное поле "имя"' }];
    const trailers = toGrpcStatus(new ValidationError(violations)).metadata;
    const raw = trailers.get(FIELD_VIOLATIONS_TRAILER)[0] as string;
    assert.match(raw, /^[\x20-\x7e]*$/);
    assert.deepEqual(JSON.parse(raw), violations);
    const rebuilt = fromGrpcStatus({ code: status.INVALID_ARGUMENT, details: 'bad', metadata: trailers });
    assert.ok(rebuilt instanceof ValidationError);
    assert.deepEqual(rebuilt.violations, violations);
  });

  it('tolerates a missing or malformed violations trailer', () => {
    const metadata = new Metadata();
    metadata.set(FIELD_VIOLATIONS_TRAILER, '{not json');
    for (const m of [metadata, new Metadata()]) {
      const rebuilt = fromGrpcStatus({ code: status.INVALID_ARGUMENT, details: 'bad', metadata: m });
      assert.ok(rebuilt instanceof ValidationError);
      assert.deepEqual(rebuilt.violations, []);
    }
  });

  it('builds violations from a zod error with readable paths', () => {
    const schema = z.object({
      site: z.string().min(1, 'is required'),
      items: z.array(z.object({ quantity: z.number().min(1, 'must be at least 1') })),
    });
    const result = schema.safeParse({ site: '', items: [{ quantity: 1 }, { quantity: 0 }] });
    assert.equal(result.success, false);
    const error = ValidationError.fromZod(result.error!);
    assert.deepEqual(error.violations, [
      { field: 'site', reason: 'is required' },
      { field: 'items[1].quantity', reason: 'must be at least 1' },
    ]);
    assert.equal(error.message, 'invalid request: site: is required; items[1].quantity: must be at least 1');
  });
});
