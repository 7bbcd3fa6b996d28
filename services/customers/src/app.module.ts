import { Module } from '@nestjs/common';
import { CustomersModule } from './customers.module';
import { IdentityModule } from './identity/identity.module';
import { SegmentsModule } from './segments/segments.module';

/** Customer profiles, identity resolution (links, suggestions, merges, deduplication) and segments. */
@Module({ imports: [CustomersModule, SegmentsModule, IdentityModule] })
export class AppModule {}
