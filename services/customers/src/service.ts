import { OrderCreatedV1 } from '@openretail/contracts';
import type { ServiceDefinition } from '@openretail/service-runtime';
import { CustomerContact } from './contacts/customer-contact.entity';
import { recordOrderContact } from './contacts/record-order-contact';
import { CorporateCustomer } from './corporate/corporate-customer.entity';
import { CorporateCompany, CorporateContact } from './corporate/corporate-parts.entity';
import { CustomerHistoryEntry } from './history/customer-history.entity';
import { CustomerNote } from './notes/customer-note.entity';
import { Customer } from './profiles/customer.entity';

export const customersServiceDefinition: ServiceDefinition = {
  name: 'customers',
  defaultHttpPort: 3002,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: {
    entities: [
      CustomerContact,
      Customer,
      CustomerNote,
      CustomerHistoryEntry,
      CorporateCustomer,
      CorporateCompany,
      CorporateContact,
    ],
    serviceDir: __dirname,
  },
  kafka: { outbox: true },
  consumers: () => [
    {
      groupId: 'customers.order-contacts',
      topics: [OrderCreatedV1.topic],
      handlers: { [OrderCreatedV1.type]: recordOrderContact },
    },
  ],
};
