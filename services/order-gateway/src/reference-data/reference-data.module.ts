import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { ReferenceDataController } from './reference-data.controller';
import {
  REFERENCE_DATA_CLIENT,
  createReferenceDataClient,
  type ReferenceDataClient,
} from './reference-data-client';

@Module({
  controllers: [ReferenceDataController],
  providers: [
    {
      provide: REFERENCE_DATA_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createReferenceDataClient(config.ORDERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
  // Access checks site and user-group codes against the reference data.
  exports: [REFERENCE_DATA_CLIENT],
})
export class ReferenceDataModule implements OnApplicationShutdown {
  constructor(@Inject(REFERENCE_DATA_CLIENT) private readonly client: ReferenceDataClient) {}

  onApplicationShutdown(): void {
    this.client.close();
  }
}
