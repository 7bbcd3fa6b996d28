import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ObservabilityModule, type Logger } from '@openretail/observability';
import type { MessageTransport } from '@openretail/messaging';
import { MESSAGE_TRANSPORT, SERVICE_CONFIG } from './tokens';

export interface PlatformModuleOptions {
  serviceName: string;
  module: Type<unknown>;
  logger: Logger;
  config: Record<string, unknown>;
  orm?: MikroORM;
  transport?: MessageTransport;
}

/**
 * The root module of every service: what the runtime built before Nest (configuration, ORM,
 * Kafka transport), made injectable everywhere, plus observability and the service's own module.
 */
@Module({})
export class PlatformModule {
  static forRoot(o: PlatformModuleOptions): DynamicModule {
    const providers = [
      { provide: SERVICE_CONFIG, useValue: o.config },
      ...(o.orm ? [{ provide: MikroORM, useValue: o.orm }] : []),
      ...(o.transport ? [{ provide: MESSAGE_TRANSPORT, useValue: o.transport }] : []),
    ];
    return {
      module: PlatformModule,
      global: true,
      imports: [ObservabilityModule.forRoot({ serviceName: o.serviceName, logger: o.logger }), o.module],
      providers,
      exports: providers.map((p) => p.provide),
    };
  }
}
