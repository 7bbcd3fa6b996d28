import { context, propagation, type Context } from '@opentelemetry/api';

/** W3C trace context (traceparent, tracestate) as plain string headers. */
export function injectTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(context.active(), headers);
}
