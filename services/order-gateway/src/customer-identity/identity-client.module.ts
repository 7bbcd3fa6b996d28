import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { IDENTITY_CLIENT, createIdentityClient, type IdentityClient } from './identity-client';

/**
 * The one gRPC client of the customers service's CustomerIdentityService, for every API of the
 * gateway (the native identity routes and RetailCRM's customers/combine).
 */
@Module({
  providers: [
    {
      provide: IDENTITY_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createIdentityClient(config.CUSTOMERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
  exports: [IDENTITY_CLIENT],
})
export class IdentityClientModule implements OnApplicationShutdown {
  constructor(@Inject(IDENTITY_CLIENT) private readonly identity: IdentityClient) {}

  onApplicationShutdown(): void {
    this.identity.close();
  }
}
