import type { ProtoGrpcType } from './generated/orders';
import type { ProtoGrpcType as ReferenceDataProtoGrpcType } from './generated/reference_data';
import type { OrdersServiceDefinition } from './generated/openretail/orders/v1/OrdersService';
import type { ReferenceDataServiceDefinition } from './generated/openretail/orders/v1/ReferenceDataService';
import { loadProto } from './proto';

export type * from './orders-v1-types';
export { orderFromProto, orderToProto, paymentFromProto, paymentToProto } from './orders-v1-json';
export type { OrdersServiceDefinition } from './generated/openretail/orders/v1/OrdersService';
export type { ReferenceDataServiceDefinition } from './generated/openretail/orders/v1/ReferenceDataService';

export const PROTO_FILE = 'openretail/orders/v1/orders.proto';
export const REFERENCE_DATA_PROTO_FILE = 'openretail/orders/v1/reference_data.proto';

type Package = ProtoGrpcType['openretail']['orders']['v1'] &
  ReferenceDataProtoGrpcType['openretail']['orders']['v1'];
let cached: Package | undefined;

/**
 * openretail.orders.v1 loaded once: OrdersService and ReferenceDataService (client constructors with
 * `.service`) and message types.
 */
export function load(): Package {
  cached ??= loadProto<ProtoGrpcType & ReferenceDataProtoGrpcType>([PROTO_FILE, REFERENCE_DATA_PROTO_FILE])
    .openretail.orders.v1;
  return cached;
}

/** The OrdersService definition, for createGrpcServer and createGrpcClient. */
export function ordersService(): OrdersServiceDefinition {
  return load().OrdersService.service;
}

/** The ReferenceDataService definition, for createGrpcServer and createGrpcClient. */
export function referenceDataService(): ReferenceDataServiceDefinition {
  return load().ReferenceDataService.service;
}
