import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { ReferenceDataModule } from '../reference-data/reference-data.module';
import type { AccessConfig } from './access.config';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { Authenticator } from './authentication/authenticator';
import { LastUsedRecorder } from './authentication/last-used-recorder';
import { OrmAccessStore } from './authentication/orm-access-store';
import { BootstrapAdminKey } from './bootstrap-admin-key';
import { MeController } from './me.controller';
import { AccessGuard } from './guard/access.guard';
import { RateLimiter } from './rate-limit/token-bucket';
import { ReferenceCodes } from './reference-codes';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/**
 * API keys, users, and the guard in front of every route: authentication, rate limits, permissions
 * and the acting user.
 */
@Module({
  imports: [ReferenceDataModule],
  controllers: [ApiKeysController, UsersController, MeController],
  providers: [
    { provide: OrmAccessStore, inject: [MikroORM], useFactory: (orm: MikroORM) => new OrmAccessStore(orm) },
    {
      provide: Authenticator,
      inject: [OrmAccessStore, SERVICE_CONFIG],
      useFactory: (store: OrmAccessStore, config: AccessConfig) =>
        new Authenticator(store, { cacheTtlMs: config.GATEWAY_KEY_CACHE_TTL_MS }),
    },
    {
      provide: LastUsedRecorder,
      inject: [OrmAccessStore, APP_LOGGER],
      useFactory: (store: OrmAccessStore, logger: Logger) =>
        new LastUsedRecorder(
          (id, at, olderThan) => store.touchKey(id, at, olderThan),
          (err) => logger.warn({ err }, 'could not record when an API key was last used'),
        ),
    },
    {
      provide: RateLimiter,
      inject: [SERVICE_CONFIG],
      useFactory: (config: AccessConfig) =>
        new RateLimiter({
          defaults: { rps: config.GATEWAY_RATE_LIMIT_RPS, burst: config.GATEWAY_RATE_LIMIT_BURST },
        }),
    },
    ReferenceCodes,
    ApiKeysService,
    UsersService,
    BootstrapAdminKey,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  // The RetailCRM API lists users too.
  exports: [UsersService],
})
export class AccessModule implements OnApplicationShutdown {
  constructor(@Inject(LastUsedRecorder) private readonly lastUsed: LastUsedRecorder) {}

  /** Before the runtime closes the database. */
  onApplicationShutdown(): Promise<void> {
    return this.lastUsed.flush();
  }
}
