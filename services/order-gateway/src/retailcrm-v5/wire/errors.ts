import {
  ArgumentsHost,
  Catch,
  HttpException,
  Inject,
  Injectable,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  type FieldViolation,
} from '@openretail/contracts';
import { GrpcCallError, GrpcStatus } from '@openretail/grpc';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { RateLimitedError } from '../../access/rate-limit/rate-limited.error';

/** `errors` of a RetailCRM error: messages by field, or by position in a batch. */
export type CrmErrors = Record<string, string>;

/**
 * An answer in RetailCRM's error shape: `{"success": false, "errorMsg": ..., "errors": {...}}` with
 * its HTTP status. The messages clients match on are RetailCRM's own (the Go client, for one,
 * recognises `"apiKey" is missing.`, `Wrong "apiKey" value.`, `Access denied.` and
 * `Parameter 'x' is missing`).
 */
export class CompatError extends Error {
  override readonly name = 'CompatError';

  constructor(
    readonly status: number,
    readonly errorMsg: string,
    readonly errors?: CrmErrors,
    /** Other members of the body, e.g. `uploadedOrders` of a partly stored batch. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(errors ? `${errorMsg}: ${JSON.stringify(errors)}` : errorMsg);
  }

  static missing(parameter: string): CompatError {
    return new CompatError(400, `Parameter '${parameter}' is missing`);
  }

  static parameter(parameter: string, reason: string): CompatError {
    return new CompatError(400, 'Errors in the input parameters', { [parameter]: reason });
  }

  static notFound(what = 'Not found'): CompatError {
    return new CompatError(404, what);
  }
}

/** Field violations as RetailCRM `errors`: one message per field, several joined. */
export function crmErrors(
  violations: readonly FieldViolation[],
  rename: (field: string) => string = (f) => f,
) {
  const errors: CrmErrors = {};
  for (const v of violations) {
    const field = rename(v.field);
    errors[field] = errors[field] ? `${errors[field]}; ${v.reason}` : v.reason;
  }
  return errors;
}

/** The one-line text of a failure, for a batch's per-entity errors. */
export function describeFailure(error: unknown, rename?: (field: string) => string): string {
  if (error instanceof ValidationError) {
    return Object.entries(crmErrors(error.violations, rename))
      .map(([field, reason]) => `${field}: ${reason}`)
      .join('; ');
  }
  if (error instanceof CompatError) {
    return error.errors
      ? `${error.errorMsg}: ${Object.entries(error.errors)
          .map(([f, r]) => `${f}: ${r}`)
          .join('; ')}`
      : error.errorMsg;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface CompatAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * Maps a failure to RetailCRM's shape. `keyPresented` tells a missing key from a wrong one.
 * Validation problems are 400 naming each field; a business rule's refusal is a 400 with its
 * message (RetailCRM has no 422); access is 403; rate limits are RetailCRM's 503 with Retry-After.
 */
export function toCompatAnswer(error: unknown, keyPresented: boolean): CompatAnswer {
  const answer = (
    status: number,
    errorMsg: string,
    errors?: CrmErrors,
    headers: Record<string, string> = {},
  ) => ({
    status,
    body: { success: false, errorMsg, ...(errors ? { errors } : {}) },
    headers,
  });
  if (error instanceof CompatError) {
    const body = {
      success: false,
      ...error.extra,
      errorMsg: error.errorMsg,
      ...(error.errors ? { errors: error.errors } : {}),
    };
    return { status: error.status, body, headers: {} };
  }
  if (error instanceof ValidationError) {
    return answer(400, 'Errors in the entity format', crmErrors(error.violations));
  }
  if (error instanceof UnauthenticatedError) {
    return answer(403, keyPresented ? 'Wrong "apiKey" value.' : '"apiKey" is missing.');
  }
  if (error instanceof PermissionDeniedError) return answer(403, 'Access denied.', { access: error.message });
  if (error instanceof NotFoundError) return answer(404, 'Not found', { id: error.message });
  if (error instanceof ConflictError || error instanceof PreconditionError) return answer(400, error.message);
  if (error instanceof RateLimitedError) {
    return answer(503, 'Service overloaded.', undefined, { 'Retry-After': String(error.retryAfterS) });
  }
  if (
    error instanceof UnavailableError ||
    (error instanceof GrpcCallError &&
      [GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.RESOURCE_EXHAUSTED].includes(error.code))
  ) {
    return answer(503, 'Service temporarily unavailable.', undefined, { 'Retry-After': '1' });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return answer(404, 'API method not found');
    if (status === 413) return answer(413, 'Request entity too large');
    return answer(status, error.message);
  }
  return answer(500, 'Application error');
}

/** Whether the request carried an API key at all (header or apiKey parameter). */
function keyPresented(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | undefined;
  return Boolean(
    request.headers['x-api-key'] ||
    request.headers.authorization ||
    query?.apiKey ||
    (body && typeof body === 'object' && body.apiKey),
  );
}

/** Every failure of a RetailCRM route, the guard's included, in RetailCRM's error shape. */
@Injectable()
@Catch()
export class CompatErrorFilter implements ExceptionFilter {
  constructor(@Inject(APP_LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { status, body, headers } = toCompatAnswer(error, keyPresented(http.getRequest<FastifyRequest>()));
    if (status === 500) this.logger.error({ err: error }, 'RetailCRM API request failed');
    else if (status === 503)
      this.logger.warn({ reason: String(error) }, 'RetailCRM API request refused for now');
    for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    void reply.status(status).send(body);
  }
}
