import { Module } from '@nestjs/common';

/** Delivery integrations: carriers, shipments, tracking webhooks, pickup points. Boots and reports health until its domain arrives. */
@Module({})
export class AppModule {}
