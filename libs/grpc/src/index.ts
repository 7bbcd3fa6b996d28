export { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
export {
  DEFAULT_DEADLINE_MS,
  DEFAULT_RETRY_POLICY,
  createGrpcClient,
  type GrpcCallOptions,
  type GrpcClient,
  type GrpcClientOptions,
  type RetryPolicy,
} from './client';
export { grpcClientConfig, grpcServerConfig } from './config';
export {
  FIELD_VIOLATIONS_TRAILER,
  GrpcCallError,
  fromGrpcStatus,
  toGrpcStatus,
  type MappedStatus,
} from './errors';
export { grpcClientReady, type ReadinessIndicator } from './health';
export { consoleLogger, type GrpcLogger } from './logger';
export { dateFromTimestamp, moneyFromProto, moneyToProto, timestampFromDate, type MoneyValue } from './money';
export { DEFAULT_PROTO_ROOT, PROTO_LOADER_OPTIONS, loadProto, type LoadProtoOptions } from './proto';
export {
  createGrpcServer,
  type CallContext,
  type GrpcServer,
  type GrpcServerOptions,
  type ServiceImplementation,
  type ServiceRegistration,
  type UnaryHandler,
} from './server';
export type {
  ClientRequest,
  ClientResponse,
  MethodName,
  ServerRequest,
  ServerResponse,
  ServiceDefinition,
  ServiceLike,
} from './types';
export * as commonV1 from './common-v1';
export * as ordersV1 from './orders-v1';
export * as customersV1 from './customers-v1';
export * as customerIdentityV1 from './customer-identity-v1';
