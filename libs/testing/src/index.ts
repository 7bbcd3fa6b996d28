export {
  KafkaApi,
  KafkaErrorCode,
  KafkaMockControl,
  KafkaMockError,
  parseHostPort,
  type HostPort,
  type KafkaApiKey,
  type KafkaErrorCodeValue,
} from './kafka-mock-control';
export {
  localKafka,
  startKafkaMock,
  type KafkaMockCluster,
  type KafkaMockOptions,
  type LocalKafka,
  type LocalKafkaOptions,
} from './local-kafka';
export { findRepoRoot } from './repo-root';
export { uniqueName } from './unique-name';
export { waitFor, WaitForTimeoutError, type Truthy, type WaitForOptions } from './wait-for';
export { localKafkaEnv, provisionTopics } from './topics';
