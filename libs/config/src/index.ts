export { ConfigError, loadConfig, type ConfigProblem, type ConfigShape, type ConfigOf } from './load-config';
export { env } from './variables';
