import type { ServiceDefinition } from '@openretail/service-runtime';
import { ordersV1 } from '@openretail/grpc';
import { OrderHistoryEntry } from './history/order-history.entity';
import { OrderCommandKey } from './orders/command-key.entity';
import { Order } from './orders/order.entity';
import { deadlineConfig } from './overdue/deadline-config';
import { DeadlineReplan } from './overdue/deadline-replan.entity';
import { OrderDeadline } from './overdue/order-deadline.entity';
import { ReferenceDataDocument } from './reference-data/reference-data.entity';

export const ordersServiceDefinition: ServiceDefinition = {
  name: 'orders',
  defaultHttpPort: 3001,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  config: deadlineConfig,
  database: {
    entities: [
      Order,
      OrderCommandKey,
      OrderHistoryEntry,
      OrderDeadline,
      DeadlineReplan,
      ReferenceDataDocument,
    ],
    serviceDir: __dirname,
  },
  kafka: { outbox: true },
  grpc: {
    defaultPort: 50051,
    services: (app) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OrdersGrpcHandler } = require('./orders/orders.grpc') as typeof import('./orders/orders.grpc');
      const { ReferenceDataGrpcHandler } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('./reference-data/reference-data.grpc') as typeof import('./reference-data/reference-data.grpc');
      return [
        { definition: ordersV1.ordersService(), implementation: app.get(OrdersGrpcHandler).implementation() },
        {
          definition: ordersV1.referenceDataService(),
          implementation: app.get(ReferenceDataGrpcHandler).implementation(),
        },
      ];
    },
  },
  consumers: (app) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { customerLinksConsumer } =
      require('./orders/customer-links') as typeof import('./orders/customer-links');
    const { OrdersService } = require('./orders/orders.service') as typeof import('./orders/orders.service');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return [customerLinksConsumer(app.get(OrdersService))];
  },
};
