import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { z } from 'zod';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
  type DomainErrorKind,
  type FieldViolation,
} from '@openretail/contracts';

/** Trailer carrying a ValidationError's violations as JSON [{field, reason}]. */
export const FIELD_VIOLATIONS_TRAILER = 'x-field-violations';
// Trailers share grpc-js's 8 KiB metadata limit; beyond it the whole call would fail.
const MAX_TRAILER_VIOLATIONS = 50;

const STATUS_OF: Record<DomainErrorKind, status> = {
  validation: status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  conflict: status.ALREADY_EXISTS,
  precondition: status.FAILED_PRECONDITION,
  unauthenticated: status.UNAUTHENTICATED,
  permission: status.PERMISSION_DENIED,
  unavailable: status.UNAVAILABLE,
};

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
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    if (error instanceof ValidationError) {
      metadata.set(FIELD_VIOLATIONS_TRAILER, asciiJson(error.violations.slice(0, MAX_TRAILER_VIOLATIONS)));
    }
    return { code: STATUS_OF[error.kind], details: error.message, metadata, internal: false };
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
    case status.UNAUTHENTICATED:
      return new UnauthenticatedError(details);
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

/** JSON with non-ASCII escaped: grpc-js accepts only printable ASCII in text metadata values. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
