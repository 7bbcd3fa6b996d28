import type { ProtoGrpcType } from './generated/orders';
import type { OrdersServiceDefinition } from './generated/openretail/orders/v1/OrdersService';
import { loadProto } from './proto';

export type { Contact, Contact__Output } from './generated/openretail/orders/v1/Contact';
export type {
  CreateOrderItem,
  CreateOrderItem__Output,
} from './generated/openretail/orders/v1/CreateOrderItem';
export type {
  CreateOrderRequest,
  CreateOrderRequest__Output,
} from './generated/openretail/orders/v1/CreateOrderRequest';
export type {
  GetOrderRequest,
  GetOrderRequest__Output,
} from './generated/openretail/orders/v1/GetOrderRequest';
export type { Order, Order__Output } from './generated/openretail/orders/v1/Order';
export type { OrderItem, OrderItem__Output } from './generated/openretail/orders/v1/OrderItem';
export type { SiteExternalId, SiteExternalId__Output } from './generated/openretail/orders/v1/SiteExternalId';
export type { OrdersServiceDefinition } from './generated/openretail/orders/v1/OrdersService';

export const PROTO_FILE = 'openretail/orders/v1/orders.proto';

let cached: ProtoGrpcType['openretail']['orders']['v1'] | undefined;

/** openretail.orders.v1 loaded once: OrdersService (client constructor with `.service`) and message types. */
export function load(): ProtoGrpcType['openretail']['orders']['v1'] {
  cached ??= loadProto<ProtoGrpcType>(PROTO_FILE).openretail.orders.v1;
  return cached;
}

/** The OrdersService definition, for createGrpcServer and createGrpcClient. */
export function ordersService(): OrdersServiceDefinition {
  return load().OrdersService.service;
}
