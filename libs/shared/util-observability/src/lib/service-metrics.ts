import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConsumeOutcome = 'applied' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * The Prometheus metrics of one service. Each service keeps its own registry (with a `service`
 * label), so the five applications of the embedded mode do not collide in one process.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly eventsPublished: Counter<'topic'>;
  readonly eventsConsumed: Counter<'topic' | 'outcome'>;
  readonly outboxPending: Gauge;
  readonly outboxLagSeconds: Gauge;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.eventsPublished = new Counter({
      name: 'iam_events_published_total',
      help: 'Events the outbox relay handed to the broker',
      labelNames: ['topic'],
      registers,
    });
    this.eventsConsumed = new Counter({
      name: 'iam_events_consumed_total',
      help: 'Events consumed, by outcome (applied, duplicate, retried, dead_lettered)',
      labelNames: ['topic', 'outcome'],
      registers,
    });
    this.outboxPending = new Gauge({
      name: 'iam_outbox_pending_events',
      help: 'Outbox rows not yet published',
      registers,
    });
    this.outboxLagSeconds = new Gauge({
      name: 'iam_outbox_lag_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when none)',
      registers,
    });
  }

  observeRequest(sample: { method: string; route: string; status: number; durationSeconds: number }): void {
    const labels = { method: sample.method, route: sample.route, status: String(sample.status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, sample.durationSeconds);
  }
}
