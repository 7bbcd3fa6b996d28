import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { AccessModule } from './access/access.module';
import { CorporateCustomersController } from './customers/corporate-customers.controller';
import { CustomerIdentityModule } from './customer-identity/identity.module';
import { CustomersClientModule } from './customers/customers-client.module';
import { CustomersController } from './customers/customers.controller';
import { HttpErrorFilter } from './http/error-filter';
import { OpenApiController } from './openapi/openapi.controller';
import { OrdersController } from './orders/orders.controller';
import { OrdersClientModule } from './orders/orders-client.module';
import { ReferenceDataModule } from './reference-data/reference-data.module';
import { RetailCrmV5Module } from './retailcrm-v5/retailcrm-v5.module';
import { SegmentsModule } from './segments/segments.module';
import type { GatewayConfig } from './service';

@Module({
  imports: [
    AccessModule,
    ReferenceDataModule,
    OrdersClientModule,
    CustomersClientModule,
    CustomerIdentityModule,
    SegmentsModule,
    RetailCrmV5Module,
  ],
  controllers: [OrdersController, CustomersController, CorporateCustomersController, OpenApiController],
  providers: [
    {
      provide: APP_FILTER,
      inject: [APP_LOGGER, SERVICE_CONFIG],
      useFactory: (logger: Logger, config: GatewayConfig) =>
        new HttpErrorFilter(logger, { bodyLimitBytes: config.GATEWAY_BODY_LIMIT_BYTES }),
    },
  ],
})
export class AppModule {}
