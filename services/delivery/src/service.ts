import type { ServiceDefinition } from '@openretail/service-runtime';

export const deliveryServiceDefinition: ServiceDefinition = {
  name: 'delivery',
  defaultHttpPort: 3004,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [], serviceDir: __dirname },
  kafka: { outbox: true },
};
