import { env, type ConfigOf } from '@openretail/config';
import { OrderCreatedV1 } from '@openretail/contracts';
import { customersV1, grpcClientConfig } from '@openretail/grpc';
import type { ServiceDefinition } from '@openretail/service-runtime';
import { CustomerContact } from './contacts/customer-contact.entity';
import { recordOrderContact } from './contacts/record-order-contact';
import { CorporateCustomer } from './corporate/corporate-customer.entity';
import { CorporateCompany, CorporateContact } from './corporate/corporate-parts.entity';
import { CustomerHistoryEntry } from './history/customer-history.entity';
import { CustomerOrderFact } from './metrics/customer-order-fact.entity';
import { CustomerNote } from './notes/customer-note.entity';
import { Customer } from './profiles/customer.entity';
import { systemClock } from './segments/clock';
import { SegmentMember } from './segments/segment-member.entity';
import { Segment } from './segments/segment.entity';
import { segmentsConfig } from './segments/segments-config';

const customersConfig = {
  /** The orders service, for the reference data (sites, their phone regions, custom field definitions). */
  ORDERS_GRPC_URL: env.hostPort('127.0.0.1:50051'),
  ...grpcClientConfig,
  ...segmentsConfig,
};
export type CustomersConfig = ConfigOf<typeof customersConfig>;

export const customersServiceDefinition: ServiceDefinition<typeof customersConfig> = {
  name: 'customers',
  defaultHttpPort: 3002,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  config: customersConfig,
  database: {
    entities: [
      CustomerContact,
      Customer,
      CustomerNote,
      CustomerHistoryEntry,
      CorporateCustomer,
      CorporateCompany,
      CorporateContact,
      CustomerOrderFact,
      Segment,
      SegmentMember,
    ],
    serviceDir: __dirname,
  },
  kafka: { outbox: true },
  grpc: {
    defaultPort: 50052,
    services: (app) => {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { CustomersGrpcHandler } =
        require('./profiles/customers.grpc') as typeof import('./profiles/customers.grpc');
      const { CorporateCustomersGrpcHandler } =
        require('./corporate/corporate.grpc') as typeof import('./corporate/corporate.grpc');
      const { SegmentsGrpcHandler } =
        require('./segments/segments.grpc') as typeof import('./segments/segments.grpc');
      /* eslint-enable @typescript-eslint/no-require-imports */
      return [
        {
          definition: customersV1.customersService(),
          implementation: {
            ...app.get(CustomersGrpcHandler).implementation(),
            ...app.get(CorporateCustomersGrpcHandler).implementation(),
          },
        },
        {
          definition: customersV1.segmentsService(),
          implementation: app.get(SegmentsGrpcHandler).implementation(),
        },
      ];
    },
  },
  consumers: () => {
    const { metricsConsumer } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./metrics/metrics-consumer') as typeof import('./metrics/metrics-consumer');
    return [
      {
        groupId: 'customers.order-contacts',
        topics: [OrderCreatedV1.topic],
        handlers: { [OrderCreatedV1.type]: recordOrderContact },
      },
      metricsConsumer(systemClock),
    ];
  },
};
