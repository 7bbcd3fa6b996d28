import { Module } from '@nestjs/common';
import { IdentityClientModule } from './identity-client.module';
import { CustomerIdentityController, OrderCustomerLinkController } from './identity.controller';

/** Identity resolution: the routes of the customers service's CustomerIdentityService. */
@Module({
  imports: [IdentityClientModule],
  controllers: [CustomerIdentityController, OrderCustomerLinkController],
})
export class CustomerIdentityModule {}
