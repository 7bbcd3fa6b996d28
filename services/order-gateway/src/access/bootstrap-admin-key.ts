import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_LOGGER, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { AccessConfig } from './access.config';
import { apiKeyDisplayPrefix } from './api-keys/api-key-secret';
import { ApiKeysService } from './api-keys/api-keys.service';

/** Makes GATEWAY_BOOTSTRAP_ADMIN_KEY a working admin key before the gateway takes requests. */
@Injectable()
export class BootstrapAdminKey implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: AccessConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly keys: ApiKeysService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.GATEWAY_BOOTSTRAP_ADMIN_KEY;
    if (!secret) return;
    await this.keys.ensureBootstrapKey(secret);
    this.logger.info({ prefix: apiKeyDisplayPrefix(secret) }, 'bootstrap admin key is active');
  }
}
