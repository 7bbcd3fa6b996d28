import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { z } from 'zod';

/** Trailer carrying a ValidationError's violations as JSON [{field, reason}]. */
export const FIELD_VIOLATIONS_TRAILER = 'x-field-violations';
// Trailers share grpc-js's 8 KiB metadata limit; beyond it the whole call would fail.
const MAX_TRAILER_VIOLATIONS = 50;

export interface FieldViolation {
  /** Path of the offending field in the request, e.g. 'items[0].quantity'. */
  field: string;
  reason: string;
}

/**
 * Errors a handler throws on purpose. Each maps to one gRPC status; the client rebuilds the same
 * class from the status, so callers (the gateway) branch on classes rather than on codes.
 */
export abstract class GrpcDomainError extends Error {
  abstract readonly code: status;

  /** Trailers sent along with the status; empty unless a subclass has structured details. */
  trailers(): Metadata {
    return new Metadata();
  }
}

export class ValidationError extends GrpcDomainError {
  override readonly name = 'ValidationError';
  readonly code = status.INVALID_ARGUMENT;

  constructor(
    readonly violations: readonly FieldViolation[],
    message = `invalid request: ${violations.map((v) => `${v.field}: ${v.reason}`).join('; ') || 'no details'}`,
  ) {
    super(message);
  }

  static field(field: string, reason: string): ValidationError {
    return new ValidationError([{ field, reason }]);
  }

  /** Every issue of a zod error as a violation, with paths like 'items[0].unitPrice.currency'. */
  static fromZod(error: {
    issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>;
  }): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({ field: formatPath(issue.path), reason: issue.message })),
    );
  }

  override trailers(): Metadata {
    const metadata = new Metadata();
    metadata.set(FIELD_VIOLATIONS_TRAILER, asciiJson(this.violations.slice(0, MAX_TRAILER_VIOLATIONS)));
    return metadata;
  }
}

export class NotFoundError extends GrpcDomainError {
  override readonly name = 'NotFoundError';
  readonly code = status.NOT_FOUND;
}

/** The resource already exists or the request conflicts with its current state. */
export class ConflictError extends GrpcDomainError {
  override readonly name = 'ConflictError';
  readonly code = status.ALREADY_EXISTS;
}

/** A business rule refuses the operation in the current state (e.g. cancelling a delivered order). */
export class PreconditionError extends GrpcDomainError {
  override readonly name = 'PreconditionError';
  readonly code = status.FAILED_PRECONDITION;
}

export class PermissionDeniedError extends GrpcDomainError {
  override readonly name = 'PermissionDeniedError';
  readonly code = status.PERMISSION_DENIED;
}

/**
 * The service cannot serve now but may soon (its database is down, it is shutting down). Callers
 * retry idempotent methods on it; the client also uses it for an unreachable server.
 */
export class UnavailableError extends GrpcDomainError {
  override readonly name = 'UnavailableError';
  readonly code = status.UNAVAILABLE;
}

/**
 * A failed call that is not a domain error: DEADLINE_EXCEEDED, INTERNAL, CANCELLED, RESOURCE_EXHAUSTED...
 * Seen only on the client side.
 */
export class GrpcCallError extends Error {
  override readonly name = 'GrpcCallError';

  constructor(
    readonly code: status,
    readonly details: string,
    readonly metadata: Metadata = new Metadata(),
  ) {
    super(`${status[code] ?? code}: ${details}`);
  }
}

export interface MappedStatus {
  code: status;
  details: string;
  metadata: Metadata;
  /** True when the error was not a domain error: its message is hidden from the caller. */
  internal: boolean;
}

/** Server side: what a thrown error becomes on the wire. Unknown errors never leak their message. */
export function toGrpcStatus(error: unknown): MappedStatus {
  if (error instanceof GrpcDomainError) {
    return { code: error.code, details: error.message, metadata: error.trailers(), internal: false };
  }
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata(), internal: true };
}

const violationsSchema = z.array(z.object({ field: z.string(), reason: z.string() }));

/** Client side: rebuilds the domain error class from a failed call's status and trailers. */
export function fromGrpcStatus(error: Pick<ServiceError, 'code' | 'details' | 'metadata'>): Error {
  const details = error.details ?? '';
  switch (error.code) {
    case status.INVALID_ARGUMENT:
      return new ValidationError(readViolations(error.metadata), details);
    case status.NOT_FOUND:
      return new NotFoundError(details);
    case status.ALREADY_EXISTS:
      return new ConflictError(details);
    case status.FAILED_PRECONDITION:
      return new PreconditionError(details);
    case status.PERMISSION_DENIED:
      return new PermissionDeniedError(details);
    case status.UNAVAILABLE:
      return new UnavailableError(details);
    default:
      return new GrpcCallError(error.code, details, error.metadata ?? new Metadata());
  }
}

function readViolations(metadata: Metadata | undefined): FieldViolation[] {
  const raw = metadata?.get(FIELD_VIOLATIONS_TRAILER)[0];
  if (typeof raw !== 'string') return [];
  try {
    const parsed = violationsSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(request)' : out;
}

/** JSON with non-ASCII escaped: grpc-js accepts only printable ASCII in text metadata values. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
