import { OrderCreatedV1 } from '@openretail/contracts';
import type { ServiceDefinition } from '@openretail/service-runtime';
import { CustomerContact } from './contacts/customer-contact.entity';
import { recordOrderContact } from './contacts/record-order-contact';

export const customersServiceDefinition: ServiceDefinition = {
  name: 'customers',
  defaultHttpPort: 3002,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [CustomerContact], serviceDir: __dirname },
  kafka: { outbox: false },
  consumers: () => [
    {
      groupId: 'customers.order-contacts',
      topics: [OrderCreatedV1.topic],
      handlers: { [OrderCreatedV1.type]: recordOrderContact },
    },
  ],
};
