import type { ServiceDefinition } from '@openretail/service-runtime';

export const analyticsServiceDefinition: ServiceDefinition = {
  name: 'analytics',
  defaultHttpPort: 3006,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  database: { entities: [], serviceDir: __dirname },
  kafka: { outbox: true },
};
