import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { AccessModule } from './access/access.module';
import { HttpErrorFilter } from './http/error-filter';
import { OpenApiController } from './openapi/openapi.controller';
import { OrdersController } from './orders/orders.controller';
import { ORDERS_CLIENT, createOrdersClient, type OrdersClient } from './orders/orders-client';
import { ReferenceDataModule } from './reference-data/reference-data.module';
import type { GatewayConfig } from './service';

@Module({
  imports: [AccessModule, ReferenceDataModule],
  controllers: [OrdersController, OpenApiController],
  providers: [
    {
      provide: ORDERS_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createOrdersClient(config.ORDERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
    {
      provide: APP_FILTER,
      inject: [APP_LOGGER, SERVICE_CONFIG],
      useFactory: (logger: Logger, config: GatewayConfig) =>
        new HttpErrorFilter(logger, { bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES }),
    },
  ],
})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_CLIENT) private readonly orders: OrdersClient) {}

  onApplicationShutdown(): void {
    this.orders.close();
  }
}
