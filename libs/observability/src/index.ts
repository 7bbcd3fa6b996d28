export { LOG_LEVELS, observabilityConfig, type LogLevel } from './config';
export { startTracing, type TracingHandle, type TracingOptions } from './tracing';
export { createLogger, NestJsonLogger, type Logger, type LoggerOptions } from './logger';
export { Metrics, metrics, recordHttpMetrics } from './metrics';
export {
  HealthRegistry,
  type CheckResult,
  type HealthIndicator,
  type HealthRegistryOptions,
  type HealthReport,
  type HealthStatus,
} from './health';
export { APP_LOGGER, ObservabilityModule, type ObservabilityModuleOptions } from './observability.module';
