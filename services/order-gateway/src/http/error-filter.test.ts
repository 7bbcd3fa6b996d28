import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException } from '@nestjs/common';
import { GrpcCallError, GrpcStatus, Metadata, fromGrpcStatus } from '@openretail/grpc';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  ValidationError,
} from '@openretail/contracts';
import { toHttpError } from './error-filter';

test('domain errors map to the HTTP status a client expects, with a stable code', () => {
  const v = toHttpError(new ValidationError([{ field: 'items[0].quantity', reason: 'must be at least 1' }]));
  assert.equal(v.status, 400);
  assert.deepEqual(v.body.error.fields, [{ field: 'items[0].quantity', reason: 'must be at least 1' }]);
  assert.equal(toHttpError(new NotFoundError('order x not found')).status, 404);
  assert.equal(toHttpError(new ConflictError('key reused')).body.error.code, 'conflict');
  assert.equal(toHttpError(new PreconditionError('not allowed now')).status, 422);
  assert.equal(toHttpError(new PermissionDeniedError('no')).status, 403);
  assert.equal(toHttpError(new NotFoundException()).status, 404);
});

test('an unreachable service is a 503 with Retry-After; anything else hides its message', () => {
  // What the gRPC client really rejects with when orders is down or slow.
  for (const code of [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED]) {
    const down = toHttpError(
      fromGrpcStatus({ code, details: 'connect ECONNREFUSED', metadata: new Metadata() }),
    );
    assert.equal(down.status, 503, GrpcStatus[code]);
    assert.equal(down.retryAfterS, 1);
  }
  assert.equal(toHttpError(new GrpcCallError(GrpcStatus.INTERNAL, 'boom')).status, 500);
  const internal = toHttpError(new Error('password=secret in a stack trace'));
  assert.equal(internal.status, 500);
  assert.equal(internal.body.error.message, 'internal error');
});
