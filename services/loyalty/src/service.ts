import type { ServiceDefinition } from '@openretail/service-runtime';

export const loyaltyServiceDefinition: ServiceDefinition = {
  name: 'loyalty',
  defaultHttpPort: 3003,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [], serviceDir: __dirname },
  kafka: { outbox: true },
};
