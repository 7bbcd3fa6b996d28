import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { IDENTITY_CLIENT, createIdentityClient, type IdentityClient } from './identity-client';
import { CustomerIdentityController, OrderCustomerLinkController } from './identity.controller';

/** Identity resolution: the routes and the gRPC client of the customers service's CustomerIdentityService. */
@Module({
  controllers: [CustomerIdentityController, OrderCustomerLinkController],
  providers: [
    {
      provide: IDENTITY_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createIdentityClient(config.CUSTOMERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
})
export class CustomerIdentityModule implements OnApplicationShutdown {
  constructor(@Inject(IDENTITY_CLIENT) private readonly identity: IdentityClient) {}

  onApplicationShutdown(): void {
    this.identity.close();
  }
}
