import { Module } from '@nestjs/common';
import { OrdersModule } from './orders/orders.module';
import { ReferenceDataModule } from './reference-data/reference-data.module';

@Module({ imports: [OrdersModule, ReferenceDataModule] })
export class AppModule {}
