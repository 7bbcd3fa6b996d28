export type { ConsumerSpec, ServiceDefinition } from './definition';
export { startService, runService, type RunningService, type StartOptions } from './runtime';
export { MESSAGE_TRANSPORT, SERVICE_CONFIG } from './tokens';
export { runMigrations } from './migrate';
