import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { ORDERS_CLIENT, createOrdersClient, type OrdersClient } from './orders-client';

/** The one gRPC client of the orders service, for every API of the gateway (native and RetailCRM). */
@Module({
  providers: [
    {
      provide: ORDERS_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createOrdersClient(config.ORDERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
  exports: [ORDERS_CLIENT],
})
export class OrdersClientModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: OrdersClient) {}

  onApplicationShutdown(): void {
    this.orders.close();
  }
}
