import { createGrpcClient, ordersV1, type GrpcClient } from '@openretail/grpc';

export const ORDERS_CLIENT = Symbol('ORDERS_CLIENT');
export type OrdersClient = GrpcClient<ordersV1.OrdersServiceDefinition>;

export function createOrdersClient(address: string, deadlineMs: number): OrdersClient {
  return createGrpcClient(ordersV1.ordersService(), address, {
    deadlineMs,
    // Commands are safe to retry only with a key, and the gateway always sends one (see controller);
    // edits and payment changes are not retried: a PATCH has no key, and the client may retry it.
    idempotentMethods: [
      'GetOrder',
      'ListOrders',
      'ListAttentionOrders',
      'ListOrderHistory',
      'CheckOrderChange',
      'CreateOrder',
      'ChangeOrderStatus',
      'AddPayment',
      // A combine made already answers both orders as they are.
      'CombineOrders',
    ],
  });
}
