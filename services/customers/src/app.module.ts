import { Module } from '@nestjs/common';

/** Customer profiles, deduplication and segments grow here; for now the service records contacts from orders. */
@Module({})
export class AppModule {}
