/** The subset of a pino logger the helpers use; pass the service's logger. */
export interface GrpcLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Fallback when no logger is given: one JSON line per entry, so internal errors are never silent. */
export const consoleLogger: GrpcLogger = {
  info: (fields, message) => console.log(line('info', fields, message)),
  warn: (fields, message) => console.warn(line('warn', fields, message)),
  error: (fields, message) => console.error(line('error', fields, message)),
};

function line(level: string, fields: Record<string, unknown>, message: string): string {
  return JSON.stringify(
    { level, time: new Date().toISOString(), msg: message, ...fields },
    (_key, value: unknown) =>
      value instanceof Error ? { type: value.name, message: value.message, stack: value.stack } : value,
  );
}
