import { Module } from '@nestjs/common';
import { OrdersGrpcHandler } from './orders.grpc';
import { OrdersService } from './orders.service';

@Module({ providers: [OrdersService, OrdersGrpcHandler], exports: [OrdersGrpcHandler] })
export class OrdersModule {}
