import { Module } from '@nestjs/common';
import type { ConfigOf } from '@openretail/config';
import { APP_LOGGER, Metrics, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { CustomersModule } from '../customers.module';
import { systemClock } from './clock';
import { SEGMENT_WORKER_OPTIONS, SegmentWorker, type SegmentWorkerOptions } from './segment-worker';
import { SEGMENT_WORK, SegmentsService } from './segments.service';
import { SegmentsGrpcHandler } from './segments.grpc';
import type { segmentsConfig } from './segments-config';

/** Segments: definitions over gRPC, and the worker that computes their membership. */
@Module({
  imports: [CustomersModule],
  providers: [
    {
      provide: SEGMENT_WORKER_OPTIONS,
      inject: [SERVICE_CONFIG, APP_LOGGER, Metrics],
      useFactory: (
        config: ConfigOf<typeof segmentsConfig>,
        logger: Logger,
        metrics: Metrics,
      ): SegmentWorkerOptions => ({
        pollMs: config.SEGMENTS_POLL_MS,
        timeCheckMs: config.SEGMENTS_TIME_CHECK_MS,
        clock: systemClock,
        logger,
        metrics,
      }),
    },
    SegmentWorker,
    { provide: SEGMENT_WORK, useExisting: SegmentWorker },
    SegmentsService,
    SegmentsGrpcHandler,
  ],
  exports: [SegmentsGrpcHandler],
})
export class SegmentsModule {}
