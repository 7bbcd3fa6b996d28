import { Module } from '@nestjs/common';
import { CustomersModule } from './customers.module';

/** Customer profiles; deduplication and segments grow next to them. */
@Module({ imports: [CustomersModule] })
export class AppModule {}
