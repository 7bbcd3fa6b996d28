import { Module } from '@nestjs/common';
import { OrdersModule } from './orders/orders.module';
import { DeadlinesModule } from './overdue/deadlines.module';
import { ReferenceDataModule } from './reference-data/reference-data.module';

@Module({ imports: [OrdersModule, ReferenceDataModule, DeadlinesModule] })
export class AppModule {}
