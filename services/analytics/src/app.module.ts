import { Module } from '@nestjs/common';

/** Analytics: manager efficiency, sales dynamics, funnels, cancel reasons. Boots and reports health until its domain arrives. */
@Module({})
export class AppModule {}
