import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT, SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { toGrpcStatus } from './errors';
import { consoleLogger, type GrpcLogger } from './logger';
import { endRpcSpan, metadataGetter, rpcAttributes, tracer } from './tracing';
import {
  splitPath,
  type MethodName,
  type ServerRequest,
  type ServerResponse,
  type ServiceDefinition,
} from './types';

/** What a handler gets besides the request. */
export interface CallContext {
  /** Request metadata (headers), keys lower-case. */
  metadata: grpc.Metadata;
  /** The caller's deadline, when it set one. */
  deadline: Date | undefined;
  /** Caller address, e.g. '127.0.0.1:53422'. */
  peer: string;
  /** Aborted when the caller cancels, the deadline passes or the server is force-stopped. */
  signal: AbortSignal;
  /** Full method path, e.g. '/openretail.orders.v1.OrdersService/GetOrder'. */
  method: string;
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

/** One async function per method of the service definition D. */
export type ServiceImplementation<D> = {
  [K in MethodName<D>]: UnaryHandler<ServerRequest<D[K]>, ServerResponse<D[K]>>;
};

export interface ServiceRegistration<D extends ServiceDefinition = ServiceDefinition> {
  definition: D;
  implementation: ServiceImplementation<D>;
}

export interface GrpcServerOptions<S extends readonly ServiceDefinition[]> {
  port: number;
  /** Interface to bind; default all IPv4 interfaces. */
  host?: string;
  services: { [I in keyof S]: ServiceRegistration<S[I]> };
  logger?: GrpcLogger;
  /** Default: insecure (TLS terminates at the mesh / ingress). */
  credentials?: grpc.ServerCredentials;
  serverOptions?: grpc.ServerOptions;
}

export interface GrpcServer {
  /** Binds and starts serving; resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  /**
   * Stops accepting calls and waits up to graceMs for running ones, then cancels what is left
   * (their handlers see ctx.signal aborted).
   */
  stop(graceMs?: number): Promise<void>;
  /** The underlying grpc-js server, e.g. to add the standard health service. */
  readonly server: grpc.Server;
}

export function createGrpcServer<const S extends readonly ServiceDefinition[]>(
  options: GrpcServerOptions<S>,
): GrpcServer {
  const logger = options.logger ?? consoleLogger;
  const server = new grpc.Server(options.serverOptions);
  for (const { definition, implementation } of options.services as readonly ServiceRegistration[]) {
    server.addService(definition, adaptService(definition, implementation, logger));
  }
  const address = `${options.host ?? '0.0.0.0'}:${options.port}`;

  return {
    server,
    start: () =>
      new Promise<number>((resolve, reject) => {
        server.bindAsync(
          address,
          options.credentials ?? grpc.ServerCredentials.createInsecure(),
          (err, port) => {
            if (err)
              return reject(
                new Error(`gRPC server could not bind ${address}: ${err.message}`, { cause: err }),
              );
            logger.info({ address, port }, 'gRPC server listening');
            resolve(port);
          },
        );
      }),
    stop: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ graceMs }, 'gRPC calls still running after the grace period; cancelling them');
          server.forceShutdown();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

function adaptService(
  definition: ServiceDefinition,
  implementation: Record<string, UnaryHandler<unknown, unknown>>,
  logger: GrpcLogger,
): grpc.UntypedServiceImplementation {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream || method.responseStream) {
      throw new Error(`${method.path}: streaming methods are not supported by createGrpcServer`);
    }
    const handler = implementation[name];
    if (typeof handler !== 'function')
      throw new Error(`${method.path}: implementation has no ${name} function`);
    handlers[name] = adaptUnary(method.path, handler, logger);
  }
  return handlers;
}

// setTimeout fires at once for delays beyond 2^31-1 ms; such deadlines are as good as none.
const MAX_TIMER_MS = 2 ** 31 - 1;

function adaptUnary(
  methodPath: string,
  handler: UnaryHandler<unknown, unknown>,
  logger: GrpcLogger,
): grpc.handleUnaryCall<unknown, unknown> {
  const { service, method } = splitPath(methodPath);
  const spanName = `${service}/${method}`;
  return (call, callback) => {
    const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
    const span = tracer().startSpan(
      spanName,
      { kind: SpanKind.SERVER, attributes: rpcAttributes(service, method) },
      parent,
    );
    const abort = new AbortController();
    let abortedWith: grpc.status | undefined;
    const stopHandler = (code: grpc.status) => {
      if (abortedWith !== undefined) return;
      abortedWith = code;
      abort.abort(new Error(`${spanName}: ${grpc.status[code]}`));
    };
    const deadline = toDate(call.getDeadline());
    const onCancelled = () =>
      stopHandler(
        deadline && Date.now() >= deadline.getTime() ? grpc.status.DEADLINE_EXCEEDED : grpc.status.CANCELLED,
      );
    call.once('cancelled', onCancelled);
    // grpc-js answers DEADLINE_EXCEEDED on its own; the timer tells the handler to stop working.
    const remainingMs = deadline ? deadline.getTime() - Date.now() : Infinity;
    const deadlineTimer =
      remainingMs <= MAX_TIMER_MS
        ? setTimeout(() => stopHandler(grpc.status.DEADLINE_EXCEEDED), remainingMs)
        : undefined;
    const ctx: CallContext = {
      metadata: call.metadata,
      deadline,
      peer: call.getPeer(),
      signal: abort.signal,
      method: methodPath,
    };
    const finish = (code: grpc.status, message?: string) => {
      if (deadlineTimer) clearTimeout(deadlineTimer);
      call.off('cancelled', onCancelled);
      // Once the caller is gone, what the handler did next never reached it.
      endRpcSpan(span, 'server', abortedWith ?? code, abortedWith === undefined ? message : undefined);
    };

    context
      .with(trace.setSpan(parent, span), async () => handler(call.request, ctx))
      .then(
        (response) => {
          callback(null, response);
          finish(grpc.status.OK);
        },
        (error: unknown) => {
          const mapped = toGrpcStatus(error);
          if (mapped.internal && abortedWith === undefined) {
            logger.error({ err: error, rpcMethod: methodPath }, 'gRPC handler failed');
            span.recordException(error instanceof Error ? error : new Error(String(error)));
          }
          callback({ code: mapped.code, details: mapped.details, metadata: mapped.metadata });
          finish(mapped.code, mapped.details);
        },
      );
  };
}

function toDate(deadline: grpc.Deadline): Date | undefined {
  if (deadline instanceof Date) return deadline;
  return Number.isFinite(deadline) ? new Date(deadline) : undefined;
}
