import type * as grpc from '@grpc/grpc-js';

/** Any grpc-js service definition; the generated `<Service>Definition` interfaces extend it. */
export type ServiceDefinition = grpc.ServiceDefinition;

/** Method names of a definition, without the index signature grpc.ServiceDefinition brings along. */
export type MethodName<D> = keyof {
  [K in keyof D as string extends K ? never : number extends K ? never : K]: D[K];
} &
  string;

/** What a client sends: the permissive generated type (e.g. CreateOrderRequest). */
export type ClientRequest<M> = M extends { requestSerialize: (value: infer T) => Buffer } ? T : never;
/** What a client receives: the restricted type with defaults (e.g. Order__Output). */
export type ClientResponse<M> = M extends { responseDeserialize: (bytes: Buffer) => infer T } ? T : never;
/** What a handler receives: the restricted type with defaults (e.g. CreateOrderRequest__Output). */
export type ServerRequest<M> = M extends { requestDeserialize: (bytes: Buffer) => infer T } ? T : never;
/** What a handler returns: the permissive type (e.g. Order). */
export type ServerResponse<M> = M extends { responseSerialize: (value: infer T) => Buffer } ? T : never;

/** A service as a definition or as the client constructor loadProto returns (which carries `.service`). */
export type ServiceLike<D extends ServiceDefinition> = D | { service: D };

export function definitionOf<D extends ServiceDefinition>(service: ServiceLike<D>): D {
  // A definition's values are method definitions (with a path); a constructor's `service` is not one.
  const inner = (service as { service?: { path?: unknown } }).service;
  return inner !== undefined && typeof inner.path !== 'string' ? (inner as D) : (service as D);
}

/** Splits '/openretail.orders.v1.OrdersService/GetOrder' into service and method names. */
export function splitPath(methodPath: string): { service: string; method: string } {
  const match = /^\/([^/]+)\/([^/]+)$/.exec(methodPath);
  if (!match) throw new Error(`not a gRPC method path: ${methodPath}`);
  return { service: match[1]!, method: match[2]! };
}

export function serviceNameOf(definition: ServiceDefinition): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('service definition has no methods');
  return splitPath(first.path).service;
}
