import * as grpc from '@grpc/grpc-js';
import { SpanKind, context, propagation, type Attributes } from '@opentelemetry/api';
import { fromGrpcStatus } from './errors';
import { endRpcSpan, metadataSetter, rpcAttributes, tracer } from './tracing';
import {
  definitionOf,
  serviceNameOf,
  splitPath,
  type ClientRequest,
  type ClientResponse,
  type MethodName,
  type ServiceDefinition,
  type ServiceLike,
} from './types';

/** Matches GRPC_DEADLINE_MS's default (see grpcClientConfig). */
export const DEFAULT_DEADLINE_MS = 5000;

export interface RetryPolicy {
  /** Attempts in total, including the first one. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 2000,
};

// Transient failures only; anything else will fail the same way on a second try.
const RETRYABLE_CODES = new Set<grpc.status>([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
]);

export interface GrpcClientOptions<D> {
  /** Deadline of each attempt; default DEFAULT_DEADLINE_MS. */
  deadlineMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Methods safe to send twice. Only these are retried. Make a method idempotent first (e.g. with an
   * idempotency key the server deduplicates on), then list it here.
   */
  idempotentMethods?: readonly MethodName<D>[];
  /** Default: insecure (plaintext inside the cluster). */
  credentials?: grpc.ChannelCredentials;
  channelOptions?: grpc.ChannelOptions;
}

export interface GrpcCallOptions {
  /** Overrides the client's deadline for this call (per attempt). */
  deadlineMs?: number;
  /** Extra request metadata; trace context is added to a copy. */
  metadata?: grpc.Metadata;
  /** Cancels the call (and any pending retry). */
  signal?: AbortSignal;
}

export interface GrpcClient<D> {
  /** Fully qualified service name, e.g. 'openretail.orders.v1.OrdersService'. */
  readonly serviceName: string;
  readonly address: string;
  /**
   * Calls a unary method. Resolves with the response (restricted type, defaults filled in); rejects
   * with ValidationError, NotFoundError, ConflictError, PreconditionError, PermissionDeniedError
   * or GrpcCallError (any other status).
   */
  call<K extends MethodName<D>>(
    method: K,
    request: ClientRequest<D[K]>,
    options?: GrpcCallOptions,
  ): Promise<ClientResponse<D[K]>>;
  close(): void;
  /** The underlying grpc-js client (channel state, waitForReady). */
  readonly channel: grpc.Client;
}

export function createGrpcClient<D extends ServiceDefinition>(
  service: ServiceLike<D>,
  address: string,
  options: GrpcClientOptions<D> = {},
): GrpcClient<D> {
  const definition: ServiceDefinition = definitionOf(service);
  const serviceName = serviceNameOf(definition);
  const deadlineMs = positive('deadlineMs', options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  positive('retry.maxAttempts', retry.maxAttempts);
  positive('retry.initialBackoffMs', retry.initialBackoffMs);
  positive('retry.maxBackoffMs', retry.maxBackoffMs);
  const idempotent = new Set<string>(options.idempotentMethods ?? []);
  for (const name of idempotent) {
    if (!definition[name])
      throw new Error(`createGrpcClient: ${serviceName} has no method ${name} (idempotentMethods)`);
  }
  const channel = new grpc.Client(
    address,
    options.credentials ?? grpc.credentials.createInsecure(),
    options.channelOptions,
  );
  const peerAttributes = serverAttributes(address);

  async function call(name: string, request: unknown, callOptions: GrpcCallOptions = {}): Promise<unknown> {
    const method = definition[name];
    if (!method) throw new Error(`${serviceName} has no method ${name}`);
    const { service: rpcService, method: rpcMethod } = splitPath(method.path);
    const attempts = idempotent.has(name) ? retry.maxAttempts : 1;
    const attemptDeadlineMs = positive('deadlineMs', callOptions.deadlineMs ?? deadlineMs);
    const attributes = { ...rpcAttributes(rpcService, rpcMethod), ...peerAttributes };

    return tracer().startActiveSpan(
      `${rpcService}/${rpcMethod}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        for (let attempt = 1; ; attempt++) {
          try {
            const metadata = callOptions.metadata?.clone() ?? new grpc.Metadata();
            propagation.inject(context.active(), metadata, metadataSetter);
            const response = await unary(
              channel,
              method,
              request,
              metadata,
              attemptDeadlineMs,
              callOptions.signal,
            );
            endRpcSpan(span, 'client', grpc.status.OK);
            return response;
          } catch (error) {
            const failure = asServiceError(error);
            if (attempt < attempts && RETRYABLE_CODES.has(failure.code) && !callOptions.signal?.aborted) {
              const delayMs = backoffMs(retry, attempt);
              span.addEvent('retry', {
                'rpc.grpc.status_code': failure.code,
                attempt,
                delay_ms: Math.round(delayMs),
              });
              await sleep(delayMs, callOptions.signal);
              continue;
            }
            endRpcSpan(span, 'client', failure.code, failure.details);
            throw fromGrpcStatus(failure);
          }
        }
      },
    );
  }

  return {
    serviceName,
    address,
    channel,
    call: call as GrpcClient<D>['call'],
    close: () => channel.close(),
  };
}

function unary(
  channel: grpc.Client,
  method: grpc.MethodDefinition<unknown, unknown>,
  request: unknown,
  metadata: grpc.Metadata,
  deadlineMs: number,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      return reject({
        code: grpc.status.CANCELLED,
        details: 'cancelled by the caller',
        metadata: new grpc.Metadata(),
      });
    }
    const onAbort = () => pending.cancel();
    const pending = channel.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadata,
      { deadline: new Date(Date.now() + deadlineMs) },
      (error, response) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(response);
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

type StatusLike = Pick<grpc.ServiceError, 'code' | 'details' | 'metadata'>;

function asServiceError(error: unknown): StatusLike {
  const candidate = error as Partial<StatusLike> | undefined;
  if (candidate && typeof candidate.code === 'number') {
    return {
      code: candidate.code,
      details: candidate.details ?? '',
      metadata: candidate.metadata ?? new grpc.Metadata(),
    };
  }
  const details = error instanceof Error ? error.message : String(error);
  return { code: grpc.status.INTERNAL, details, metadata: new grpc.Metadata() };
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so retries spread out. */
function backoffMs(policy: RetryPolicy, attempt: number): number {
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return step / 2 + Math.random() * (step / 2);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`createGrpcClient: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function serverAttributes(address: string): Attributes {
  const match = /^(?:dns:(?:\/\/[^/]*\/)?)?(\[[^\]]+\]|[^:/[\]]+):(\d+)$/.exec(address);
  return match ? { 'server.address': match[1]!, 'server.port': Number(match[2]) } : {};
}
