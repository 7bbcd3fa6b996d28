import { Module } from '@nestjs/common';
import { ReferenceDataModule } from '../reference-data/reference-data.module';
import { OrdersGrpcHandler } from './orders.grpc';
import { OrdersService } from './orders.service';

@Module({
  imports: [ReferenceDataModule],
  providers: [OrdersService, OrdersGrpcHandler],
  exports: [OrdersGrpcHandler],
})
export class OrdersModule {}
