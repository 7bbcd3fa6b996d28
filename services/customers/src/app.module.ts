import { Module } from '@nestjs/common';
import { CustomersModule } from './customers.module';
import { SegmentsModule } from './segments/segments.module';

/** Customer profiles and segments; deduplication grows next to them. */
@Module({ imports: [CustomersModule, SegmentsModule] })
export class AppModule {}
