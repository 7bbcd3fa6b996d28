import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  /** Where lines go (default stdout); tests pass a capturing stream. */
  destination?: DestinationStream;
}

/** Ids of the span active where the line is logged, so a log line leads to its trace and back. */
function traceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** One JSON object per line: ISO UTC `time`, `level` as a label, `service`, and trace ids inside a span. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    options.destination,
  );
}

const STACK = /^.+\n\s+at .+:\d+:\d+/;

/**
 * Nest `LoggerService` writing through pino, so Nest's own lines (routes mapped, unhandled exceptions)
 * are JSON with trace ids like the rest. Arguments follow Nest's ConsoleLogger: a trailing string is the
 * context, and for errors a string before it (or a lone stack-shaped second argument) is the stack.
 */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    const [only] = params;
    if (params.length === 1 && typeof only === 'string' && STACK.test(only)) {
      return this.emit('error', [message], undefined, only);
    }
    const { context, rest } = splitContext(params);
    const last = rest.at(-1);
    const stack =
      rest.length > 0 && (typeof last === 'string' || last === undefined) ? rest.pop() : undefined;
    this.emit('error', [message, ...rest], context, stack as string | undefined);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const { context, rest } = splitContext(params);
    this.emit(level, [message, ...rest], context, undefined);
  }

  /** Nest prints each message argument on its own line; so do we. */
  private emit(
    level: Level,
    messages: unknown[],
    context: string | undefined,
    stack: string | undefined,
  ): void {
    for (const message of messages) {
      const fields: Record<string, unknown> = {};
      if (context !== undefined) fields.context = context;
      if (stack !== undefined) fields.stack = stack;
      if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
      else if (typeof message === 'string') this.logger[level](fields, message);
      else this.logger[level]({ ...fields, data: message });
    }
  }
}

function splitContext(params: unknown[]): { context?: string; rest: unknown[] } {
  const last = params.at(-1);
  return typeof last === 'string' ? { context: last, rest: params.slice(0, -1) } : { rest: [...params] };
}
