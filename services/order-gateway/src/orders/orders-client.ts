import { createGrpcClient, ordersV1, type GrpcClient } from '@openretail/grpc';

export const ORDERS_CLIENT = Symbol('ORDERS_CLIENT');
export type OrdersClient = GrpcClient<ordersV1.OrdersServiceDefinition>;

export function createOrdersClient(address: string, deadlineMs: number): OrdersClient {
  return createGrpcClient(ordersV1.ordersService(), address, {
    deadlineMs,
    // CreateOrder is safe to retry only with a key; the gateway always sends one (see controller).
    idempotentMethods: ['GetOrder', 'CreateOrder'],
  });
}
