import type { ServiceDefinition } from '@openretail/service-runtime';

export const messagingServiceDefinition: ServiceDefinition = {
  name: 'messaging',
  defaultHttpPort: 3005,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [], serviceDir: __dirname },
  kafka: { outbox: true },
};
