// openretail.testing.v1: the contract of libs/grpc's own tests. Deliberately not exported from the
// package index; services never use it.
import type { ProtoGrpcType } from './generated/test_service';
import type { TestServiceDefinition } from './generated/openretail/testing/v1/TestService';
import { loadProto } from './proto';

export type {
  CreateWidgetRequest,
  CreateWidgetRequest__Output,
} from './generated/openretail/testing/v1/CreateWidgetRequest';
export type { Widget, Widget__Output } from './generated/openretail/testing/v1/Widget';
export type { TestServiceDefinition } from './generated/openretail/testing/v1/TestService';

export const PROTO_FILE = 'openretail/testing/v1/test_service.proto';

type Package = ProtoGrpcType['openretail']['testing']['v1'];
let cached: Package | undefined;

/** openretail.testing.v1 loaded once: the TestService client constructor (with `.service`) and messages. */
export function load(): Package {
  cached ??= loadProto<ProtoGrpcType>(PROTO_FILE).openretail.testing.v1;
  return cached;
}

/** The TestService definition, for createGrpcServer and createGrpcClient. */
export function testService(): TestServiceDefinition {
  return load().TestService.service;
}
