import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

type Kind = 'counter' | 'gauge' | 'histogram';
type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * The process's Prometheus registry with default Node metrics (CPU, memory, event loop lag, GC).
 * Metric factories are idempotent by name: two modules asking for the same metric share one instance,
 * where prom-client alone would throw on the second registration.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly byName = new Map<string, { kind: Kind; labels: string; metric: AnyMetric }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return this.getOrCreate(
      'counter',
      name,
      labelNames,
      () => new Counter({ name, help, labelNames, registers: [this.registry] }),
    );
  }

  gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return this.getOrCreate(
      'gauge',
      name,
      labelNames,
      () => new Gauge({ name, help, labelNames, registers: [this.registry] }),
    );
  }

  /** Buckets default to prom-client's (seconds, 5 ms to 10 s). */
  histogram<L extends string = never>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets?: number[],
  ): Histogram<L> {
    return this.getOrCreate(
      'histogram',
      name,
      labelNames,
      () =>
        new Histogram({ name, help, labelNames, registers: [this.registry], ...(buckets && { buckets }) }),
    );
  }

  /** Prometheus text exposition (content type `Registry.PROMETHEUS_CONTENT_TYPE`) of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private getOrCreate<M extends AnyMetric>(
    kind: Kind,
    name: string,
    labelNames: readonly string[],
    create: () => M,
  ): M {
    const labels = [...labelNames].sort().join(',');
    const existing = this.byName.get(name);
    if (existing) {
      // Sharing a metric declared differently would silently drop or mislabel samples.
      if (existing.kind !== kind || existing.labels !== labels) {
        throw new Error(
          `metric '${name}' is already registered as a ${existing.kind} with labels [${existing.labels}]; ` +
            `cannot register it as a ${kind} with labels [${labels}]`,
        );
      }
      return existing.metric as M;
    }
    const metric = create();
    this.byName.set(name, { kind, labels, metric });
    return metric;
  }
}

/** One registry per process: Prometheus scrapes the process, whatever modules live in it. */
export const metrics = new Metrics();

/** The few Fastify request/reply members the duration hook reads (kept structural: no direct fastify dependency). */
interface FastifyLike {
  addHook(
    name: 'onResponse',
    hook: (
      request: { method: string; routeOptions: { url?: string } },
      reply: { statusCode: number; elapsedTime: number },
    ) => Promise<void>,
  ): unknown;
}

/** OpenTelemetry's recommended buckets for http.server.request.duration, in seconds. */
const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Records `http_server_request_duration_seconds{method,route,status_code}` for every response. The route
 * is Fastify's template (`/orders/:id`), never the raw URL, so label cardinality stays bounded; requests
 * matching no route are labelled `unmatched`.
 */
export function recordHttpMetrics(fastify: FastifyLike, registry: Metrics = metrics): void {
  const duration = registry.histogram(
    'http_server_request_duration_seconds',
    'Duration of HTTP server requests, from request received to response sent.',
    ['method', 'route', 'status_code'],
    HTTP_DURATION_BUCKETS,
  );
  fastify.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
