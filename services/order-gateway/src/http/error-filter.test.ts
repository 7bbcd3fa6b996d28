import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { GrpcCallError, GrpcStatus, Metadata, fromGrpcStatus } from '@openretail/grpc';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  ValidationError,
} from '@openretail/contracts';
import { RateLimitedError } from '../access/rate-limit/rate-limited.error';
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

test('access errors: 401 with WWW-Authenticate, 429 with Retry-After, 413 naming the body limit', () => {
  const unauthenticated = toHttpError(new UnauthenticatedError('the API key has been revoked'));
  assert.equal(unauthenticated.status, 401);
  assert.deepEqual(unauthenticated.body, {
    error: { code: 'unauthenticated', message: 'the API key has been revoked' },
  });
  assert.match(unauthenticated.headers?.['WWW-Authenticate'] ?? '', /^Bearer/);

  const limited = toHttpError(new RateLimitedError(3, { rps: 1, burst: 5 }));
  assert.equal(limited.status, 429);
  assert.equal(limited.retryAfterS, 3);
  assert.equal(limited.body.error.code, 'rate_limited');
  assert.match(limited.body.error.message, /1 requests per second, bursts of 5.*retry after 3 s/);

  const tooLarge = toHttpError(new PayloadTooLargeException('Request body is too large'), {
    bodyLimitBytes: 1048576,
  });
  assert.equal(tooLarge.status, 413);
  assert.deepEqual(tooLarge.body.error, {
    code: 'payload_too_large',
    message: 'the request body is larger than the limit of 1048576 bytes',
  });
});
