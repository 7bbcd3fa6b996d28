import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { CUSTOMERS_CLIENT, createCustomersClient, type CustomersClient } from './customers-client';

/** The one gRPC client of the customers service. */
@Module({
  providers: [
    {
      provide: CUSTOMERS_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createCustomersClient(config.CUSTOMERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
  exports: [CUSTOMERS_CLIENT],
})
export class CustomersClientModule implements OnApplicationShutdown {
  constructor(@Inject(CUSTOMERS_CLIENT) private readonly customers: CustomersClient) {}

  onApplicationShutdown(): void {
    this.customers.close();
  }
}
