import { env, type ConfigOf } from '@openretail/config';
import { grpcClientConfig, grpcClientReady } from '@openretail/grpc';
import type { ServiceDefinition } from '@openretail/service-runtime';

const gatewayConfig = {
  ORDERS_GRPC_URL: env.hostPort('127.0.0.1:50051'),
  ...grpcClientConfig,
};
export type GatewayConfig = ConfigOf<typeof gatewayConfig>;

/** The public HTTP API for storefronts and integrations; it owns no data and calls services over gRPC. */
export const orderGatewayServiceDefinition: ServiceDefinition<typeof gatewayConfig> = {
  name: 'order-gateway',
  defaultHttpPort: 8080,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  config: gatewayConfig,
  healthChecks: (app) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ORDERS_CLIENT } = require('./orders/orders-client') as typeof import('./orders/orders-client');
    return [grpcClientReady(app.get(ORDERS_CLIENT), { name: 'orders-grpc' })];
  },
};
