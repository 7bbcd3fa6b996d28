/**
 * Errors a service raises on purpose, independent of any transport. gRPC maps each kind to a
 * status and back (so a client rejects with the same class), the gateway maps them to HTTP; the
 * domain code that throws them knows neither.
 */
export type DomainErrorKind =
  'validation' | 'not-found' | 'conflict' | 'precondition' | 'unauthenticated' | 'permission' | 'unavailable';

export interface FieldViolation {
  /** Path of the offending field, e.g. 'items[0].quantity'. */
  field: string;
  reason: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

/** The input is wrong: every offending field with the reason. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly kind = 'validation';

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
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly kind = 'not-found';
}

/** The resource already exists or the request conflicts with its current state. */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  readonly kind = 'conflict';
}

/** A business rule refuses the operation in the current state (e.g. cancelling a delivered order). */
export class PreconditionError extends DomainError {
  override readonly name = 'PreconditionError';
  readonly kind = 'precondition';
}

/** The caller did not prove who it is (no credentials, or unknown, revoked or expired ones). */
export class UnauthenticatedError extends DomainError {
  override readonly name = 'UnauthenticatedError';
  readonly kind = 'unauthenticated';
}

/** The caller is known but may not do this. */
export class PermissionDeniedError extends DomainError {
  override readonly name = 'PermissionDeniedError';
  readonly kind = 'permission';
}

/** Cannot serve now but may soon (a dependency is down, shutting down): the caller may retry. */
export class UnavailableError extends DomainError {
  override readonly name = 'UnavailableError';
  readonly kind = 'unavailable';
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(request)' : out;
}
