import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  serviceName: string;
  /** Base OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`. */
  otlpEndpoint?: string;
  /** Extra processors, e.g. SimpleSpanProcessor(InMemorySpanExporter) in tests. */
  spanProcessors?: SpanProcessor[];
  /** Trace incoming and outgoing `http` requests (default true). */
  instrumentHttp?: boolean;
}

export interface TracingHandle {
  /** The service name the tracer provider was started with (the first caller's). */
  readonly serviceName: string;
  /** Flushes pending spans and stops the SDK; later calls return the same promise. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes arrive every few seconds and would drown real traces. */
const UNTRACED_PATH = /^\/(health\/[^?]*|metrics)(\?|$)/;

let active: TracingHandle | undefined;

/**
 * Starts OpenTelemetry tracing for the process: W3C trace-context and baggage propagation,
 * AsyncLocalStorage context, HTTP server/client spans, OTLP/HTTP export when an endpoint is given.
 *
 * Call it before anything imports `http` (i.e. before Nest/Fastify): the HTTP instrumentation patches
 * the module when it is required, so code that grabbed `http` functions earlier is not traced.
 *
 * Idempotent: a second call returns the first handle and adds nothing. The OpenTelemetry API holds one
 * global tracer provider per process and refuses a second registration; tests boot several services in
 * one process, and they share the first provider (and its service name).
 */
export function startTracing(options: TracingOptions): TracingHandle {
  if (active) return active;

  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = new URL(
      'v1/traces',
      options.otlpEndpoint.endsWith('/') ? options.otlpEndpoint : `${options.otlpEndpoint}/`,
    );
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: url.href })));
  }
  // Without any processor the SDK would register no tracer provider, so no trace ids would be created and
  // logs of requests starting here could not be correlated; a no-op processor keeps ids without export.
  if (processors.length === 0) processors.push(new NoopSpanProcessor());

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    contextManager: new AsyncLocalStorageContextManager(),
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    spanProcessors: processors,
    // Logs go to stdout as JSON and metrics to /metrics; an empty list stops the SDK defaulting to OTLP for them.
    logRecordProcessors: [],
    instrumentations:
      options.instrumentHttp === false
        ? []
        : [
            new HttpInstrumentation({
              ignoreIncomingRequestHook: (req) => UNTRACED_PATH.test(req.url ?? ''),
            }),
          ],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  active = {
    serviceName: options.serviceName,
    shutdown: () => (stopping ??= sdk.shutdown()),
  };
  return active;
}
