import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GrpcCallError, GrpcStatus } from '@openretail/grpc';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '@openretail/contracts';
import type { Logger } from '@openretail/observability';
import { RateLimitedError } from '../access/rate-limit/rate-limited.error';

export interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; reason: string }[] };
}

export interface HttpErrorContext {
  /** The body limit the HTTP server enforces, named in a 413. */
  bodyLimitBytes?: number;
}

export interface HttpError {
  status: number;
  body: ErrorBody;
  retryAfterS?: number;
  headers?: Record<string, string>;
}

/** Maps what a request can fail with to one JSON error shape and the HTTP status a client expects. */
export function toHttpError(error: unknown, context: HttpErrorContext = {}): HttpError {
  const body = (code: string, message: string, fields?: ErrorBody['error']['fields']): ErrorBody => ({
    error: { code, message, ...(fields ? { fields } : {}) },
  });
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: body('validation_failed', 'the request has invalid fields', [...error.violations]),
    };
  }
  if (error instanceof NotFoundError) return { status: 404, body: body('not_found', error.message) };
  if (error instanceof ConflictError) return { status: 409, body: body('conflict', error.message) };
  if (error instanceof PreconditionError) return { status: 422, body: body('rule_violated', error.message) };
  if (error instanceof UnauthenticatedError) {
    return {
      status: 401,
      body: body('unauthenticated', error.message),
      headers: { 'WWW-Authenticate': 'Bearer realm="openretail"' },
    };
  }
  if (error instanceof PermissionDeniedError) return { status: 403, body: body('forbidden', error.message) };
  if (error instanceof RateLimitedError) {
    return { status: 429, body: body('rate_limited', error.message), retryAfterS: error.retryAfterS };
  }
  // Unreachable, overloaded or out of time: the request may be retried (with its Idempotency-Key).
  if (
    error instanceof UnavailableError ||
    (error instanceof GrpcCallError &&
      [GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.RESOURCE_EXHAUSTED].includes(error.code))
  ) {
    return {
      status: 503,
      body: body('unavailable', 'the service is temporarily unavailable; retry'),
      retryAfterS: 1,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Fastify refuses a body over its bodyLimit before any route code runs; Nest hands that on as a 413.
    if (status === 413) {
      const limit = context.bodyLimitBytes ? ` of ${context.bodyLimitBytes} bytes` : '';
      return { status, body: body('payload_too_large', `the request body is larger than the limit${limit}`) };
    }
    const code = status === 404 ? 'not_found' : 'bad_request';
    return { status, body: body(code, error.message) };
  }
  return { status: 500, body: body('internal', 'internal error') };
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly context: HttpErrorContext = {},
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, retryAfterS, headers } = toHttpError(error, this.context);
    if (status === 500) this.logger.error({ err: error }, 'request failed');
    else if (status === 503) this.logger.warn({ reason: String(error) }, 'a dependency is unavailable');
    if (retryAfterS) void reply.header('Retry-After', String(retryAfterS));
    for (const [name, value] of Object.entries(headers ?? {})) void reply.header(name, value);
    void reply.status(status).send(body);
  }
}
