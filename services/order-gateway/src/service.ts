import { env, type ConfigOf } from '@openretail/config';
import { grpcClientConfig, grpcClientReady } from '@openretail/grpc';
import type { ServiceDefinition } from '@openretail/service-runtime';
// Narrow imports: the Nest modules must load only after tracing starts (see `module`).
import { accessConfig } from './access/access.config';
import { ApiKey } from './access/api-keys/api-key.entity';
import { User } from './access/users/user.entity';

const gatewayConfig = {
  ORDERS_GRPC_URL: env.hostPort('127.0.0.1:50051'),
  CUSTOMERS_GRPC_URL: env.hostPort('127.0.0.1:50052'),
  ...grpcClientConfig,
  ...accessConfig,
};
export type GatewayConfig = ConfigOf<typeof gatewayConfig>;

/**
 * The public HTTP API for storefronts and integrations. It calls the services over gRPC; its own
 * database holds only who may call it: API keys and users.
 */
export const orderGatewayServiceDefinition: ServiceDefinition<typeof gatewayConfig> = {
  name: 'order-gateway',
  defaultHttpPort: 8080,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  module: () => require('./app.module').AppModule,
  config: gatewayConfig,
  bodyLimitBytes: (config) => config.GATEWAY_BODY_LIMIT_BYTES,
  database: { entities: [ApiKey, User], serviceDir: __dirname },
  healthChecks: (app) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ORDERS_CLIENT } = require('./orders/orders-client') as typeof import('./orders/orders-client');
    return [grpcClientReady(app.get(ORDERS_CLIENT), { name: 'orders-grpc' })];
  },
};
