import { Module } from '@nestjs/common';

/** Messaging and triggers: templates, chains, email/SMS/messenger channels. Boots and reports health until its domain arrives. */
@Module({})
export class AppModule {}
