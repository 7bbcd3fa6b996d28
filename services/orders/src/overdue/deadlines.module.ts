import { Module } from '@nestjs/common';
import type { ConfigOf } from '@openretail/config';
import { APP_LOGGER, Metrics, type Logger } from '@openretail/observability';
import { SERVICE_CONFIG } from '@openretail/service-runtime';
import { ReferenceDataModule } from '../reference-data/reference-data.module';
import { systemClock } from './clock';
import type { deadlineConfig } from './deadline-config';
import { DEADLINE_WORKER_OPTIONS, DeadlineWorker, type DeadlineWorkerOptions } from './deadline-worker';

/** The deadline worker, started and stopped with the service. */
@Module({
  imports: [ReferenceDataModule],
  providers: [
    {
      provide: DEADLINE_WORKER_OPTIONS,
      inject: [SERVICE_CONFIG, APP_LOGGER, Metrics],
      useFactory: (
        config: ConfigOf<typeof deadlineConfig>,
        logger: Logger,
        metrics: Metrics,
      ): DeadlineWorkerOptions => ({ pollMs: config.DEADLINE_POLL_MS, clock: systemClock, logger, metrics }),
    },
    DeadlineWorker,
  ],
})
export class DeadlinesModule {}
