import type { ServiceDefinition } from '@openretail/service-runtime';
import { ordersV1 } from '@openretail/grpc';
import { Order, OrderItem } from './orders/order.entity';

export const ordersServiceDefinition: ServiceDefinition = {
  name: 'orders',
  defaultHttpPort: 3001,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [Order, OrderItem], serviceDir: __dirname },
  kafka: { outbox: true },
  grpc: {
    defaultPort: 50051,
    services: (app) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OrdersGrpcHandler } = require('./orders/orders.grpc') as typeof import('./orders/orders.grpc');
      return [
        { definition: ordersV1.ordersService(), implementation: app.get(OrdersGrpcHandler).implementation() },
      ];
    },
  },
};
