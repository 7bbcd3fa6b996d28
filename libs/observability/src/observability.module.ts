import {
  Controller,
  Get,
  Header,
  Injectable,
  Module,
  Res,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Registry } from 'prom-client';
import type { LogLevel } from './config';
import { HealthRegistry, type HealthReport } from './health';
import { createLogger, NestJsonLogger, type Logger } from './logger';
import { Metrics, metrics, recordHttpMetrics } from './metrics';

/** Injection token of the service's pino logger. */
export const APP_LOGGER = Symbol('APP_LOGGER');

export interface ObservabilityModuleOptions {
  serviceName: string;
  /** Used when no logger is given (default info). */
  logLevel?: LogLevel;
  /** A logger created before Nest (e.g. by the runtime for boot lines), reused so all lines match. */
  logger?: Logger;
}

@Controller()
class ObservabilityController {
  constructor(
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Process up and serving HTTP; no dependency checks, so an outage elsewhere never restarts the pod. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) response: unknown): Promise<HealthReport> {
    const report = await this.health.readiness();
    if (report.status !== 'ok') this.adapterHost.httpAdapter.status(response, 503);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}

/** Registers the HTTP duration hook on the Fastify instance before Nest makes it listen. */
@Injectable()
class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // an application context without HTTP
    if (adapter.getType() !== 'fastify') {
      throw new Error(
        `ObservabilityModule records HTTP metrics with a Fastify hook; the HTTP adapter is '${adapter.getType()}'`,
      );
    }
    recordHttpMetrics(adapter.getInstance(), this.metrics);
  }
}

/** Fails readiness as soon as the application starts closing, even when closed without the runtime. */
@Injectable()
class ShutdownSignal implements OnModuleDestroy {
  constructor(private readonly health: HealthRegistry) {}

  onModuleDestroy(): void {
    this.health.markShuttingDown();
  }
}

/**
 * Global module: `HealthRegistry` (one per application, so services booted in one test process keep
 * their own checks), `Metrics` (the process registry), the pino logger (`APP_LOGGER`), `NestJsonLogger`,
 * and GET /health/live, /health/ready and /metrics.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const logger =
      options.logger ?? createLogger({ service: options.serviceName, level: options.logLevel ?? 'info' });
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        // A factory, not a value: each application built from this module gets its own registry.
        { provide: HealthRegistry, useFactory: () => new HealthRegistry() },
        { provide: Metrics, useValue: metrics },
        { provide: APP_LOGGER, useValue: logger },
        { provide: NestJsonLogger, useValue: new NestJsonLogger(logger) },
        HttpMetricsHook,
        ShutdownSignal,
      ],
      exports: [HealthRegistry, Metrics, APP_LOGGER, NestJsonLogger],
    };
  }
}
