import { Module } from '@nestjs/common';

/** Loyalty programmes: levels, bonus points, discount cards, promo codes. Boots and reports health until its domain arrives. */
@Module({})
export class AppModule {}
