import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import type { GatewayConfig } from '../service';
import { SEGMENTS_CLIENT, createSegmentsClient, type SegmentsClient } from './segments-client';
import { SegmentsController } from './segments.controller';

/** Customer segments: the routes and the gRPC client of the customers service's SegmentsService. */
@Module({
  controllers: [SegmentsController],
  providers: [
    {
      provide: SEGMENTS_CLIENT,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig) =>
        createSegmentsClient(config.CUSTOMERS_GRPC_URL, config.GRPC_DEADLINE_MS),
    },
  ],
})
export class SegmentsModule implements OnApplicationShutdown {
  constructor(@Inject(SEGMENTS_CLIENT) private readonly segments: SegmentsClient) {}

  onApplicationShutdown(): void {
    this.segments.close();
  }
}
