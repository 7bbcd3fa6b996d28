import { env, type ConfigOf } from '@openretail/config';
import { OrderCreatedV1 } from '@openretail/contracts';
import { customerIdentityV1, customersV1, grpcClientConfig } from '@openretail/grpc';
import type { ServiceDefinition } from '@openretail/service-runtime';
import { CustomerContact } from './contacts/customer-contact.entity';
import { CorporateCustomer } from './corporate/corporate-customer.entity';
import { CorporateCompany, CorporateContact } from './corporate/corporate-parts.entity';
import { CustomerDedupJob, CustomerDedupJobPair } from './dedup/dedup-job.entity';
import { CustomerHistoryEntry } from './history/customer-history.entity';
import { CustomerMatchKey, CustomerMatchRecord } from './identity/match-index.entity';
import { CustomerMatchSettings } from './identity/match-settings.entity';
import { CustomerOrderLink } from './identity/order-link.entity';
import { CustomerMerge } from './merge/customer-merge.entity';
import { CustomerMatchSuggestion } from './merge/suggestion.entity';
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
      CustomerMatchKey,
      CustomerMatchRecord,
      CustomerMatchSettings,
      CustomerOrderLink,
      CustomerMatchSuggestion,
      CustomerMerge,
      CustomerDedupJob,
      CustomerDedupJobPair,
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
      const { IdentityGrpcHandler } =
        require('./identity/identity.grpc') as typeof import('./identity/identity.grpc');
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
        {
          definition: customerIdentityV1.customerIdentityService(),
          implementation: app.get(IdentityGrpcHandler).implementation(),
        },
      ];
    },
  },
  consumers: (app) => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { metricsConsumer } =
      require('./metrics/metrics-consumer') as typeof import('./metrics/metrics-consumer');
    const { IdentityResolver } =
      require('./identity/identity-resolution') as typeof import('./identity/identity-resolution');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const resolver = app.get(IdentityResolver);
    return [
      {
        // The group that recorded contacts before profiles existed: its offsets and inbox carry over.
        groupId: 'customers.order-contacts',
        topics: [OrderCreatedV1.topic],
        handlers: {},
        // All the orders of a transaction resolved together: a few statements per batch, not per order.
        batchHandlers: {
          [OrderCreatedV1.type]: (events, em, traceHeaders) =>
            resolver.onOrdersCreated(events, em, traceHeaders),
        },
      },
      metricsConsumer(systemClock),
    ];
  },
};
