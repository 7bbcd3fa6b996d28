import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AccessModule } from '../access/access.module';
import { IdentityClientModule } from '../customer-identity/identity-client.module';
import { CustomersClientModule } from '../customers/customers-client.module';
import { OrdersClientModule } from '../orders/orders-client.module';
import { ReferenceDataModule } from '../reference-data/reference-data.module';
import { CrmApiController } from './api.controller';
import { CrmCorporateController } from './customers/corporate.controller';
import { CustomerDirectory } from './customers/customer-directory';
import { OrderCustomers } from './customers/order-customers';
import { CrmCustomersController } from './customers/customers.controller';
import { CrmOrdersController } from './orders/orders.controller';
import { CrmReferenceController } from './reference/reference.controller';
import { CrmUsersController } from './users/users.controller';
import { registerFormBodyParsers } from './wire/body-parsers';
import { CompatErrorFilter } from './wire/errors';
import { ReferenceSnapshot } from './wire/reference-snapshot';

/**
 * RetailCRM API v5 compatibility (`/api/...`): existing RetailCRM integrations talk to the platform
 * unchanged. One controller per resource over the shared wire conventions (wire/); see README.md.
 */
@Module({
  imports: [
    AccessModule,
    ReferenceDataModule,
    OrdersClientModule,
    CustomersClientModule,
    IdentityClientModule,
  ],
  controllers: [
    CrmApiController,
    CrmOrdersController,
    CrmCustomersController,
    CrmCorporateController,
    CrmReferenceController,
    CrmUsersController,
  ],
  providers: [ReferenceSnapshot, CompatErrorFilter, CustomerDirectory, OrderCustomers],
})
export class RetailCrmV5Module implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    registerFormBodyParsers(this.http.httpAdapter.getInstance<FastifyInstance>());
  }
}
