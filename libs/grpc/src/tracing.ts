import { status, type Metadata } from '@grpc/grpc-js';
import {
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';

export const TRACER_NAME = '@openretail/grpc';

/** Looked up per call: the SDK may register its provider after this module is loaded. */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** W3C trace context (traceparent, tracestate) travels in gRPC metadata, which is HTTP/2 headers. */
export const metadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

export const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

export function rpcAttributes(service: string, method: string): Attributes {
  return { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method };
}

// OpenTelemetry gRPC conventions: on a server span only codes that mean a server fault are errors;
// a NOT_FOUND or INVALID_ARGUMENT is the server working as designed.
const SERVER_FAULT_CODES = new Set<status>([
  status.UNKNOWN,
  status.DEADLINE_EXCEEDED,
  status.UNIMPLEMENTED,
  status.INTERNAL,
  status.UNAVAILABLE,
  status.DATA_LOSS,
]);

export function endRpcSpan(span: Span, side: 'client' | 'server', code: status, message?: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== status.OK && (side === 'client' || SERVER_FAULT_CODES.has(code))) {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}
