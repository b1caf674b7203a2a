import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { parseEnvelope, SessionRevokedV1 } from '@sigma/shared/contracts-events';
import type { EventTransport, IncomingMessage } from '@sigma/shared/data-access-events';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { HealthRegistry, ServiceMetrics } from '@sigma/shared/util-observability';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge } from 'prom-client';
import { DenyList } from './deny-list';
import { EVENT_TRANSPORT, SESSION_SERVICE_URL } from './enforcement.tokens';
import { FeedUnavailable, readRevocationFeed } from './revocation-feed.client';

export const REVOCATION_TOPICS = ['session.revoked', 'user.deleted'];
const MAX_FEED_BACKOFF_MS = 30_000;
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Keeps the deny-list current (ADR 0016): at start it loads session-service's revocation feed
 * (retrying with backoff while the feed is away; readiness says `revocation-feed: down` until
 * then), and it consumes `session.revoked` and `user.deleted` with a consumer group of its own per
 * gateway process, reading from the start of the topics' retention. Every replica so holds the
 * whole list; entries are idempotent, so redeliveries and overlaps with the feed change nothing.
 */
@Injectable()
export class RevocationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private feedLoaded = false;
  private stopped = false;
  private feedTimer?: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly applied: Counter<'source' | 'kind'>;
  private readonly entries: Gauge<'kind'>;

  constructor(
    private readonly denyList: DenyList,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransport,
    @Inject(SESSION_SERVICE_URL) private readonly sessionServiceUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
    health: HealthRegistry,
  ) {
    this.applied = new Counter({ name: 'iam_gateway_revocations_total', help: 'Revocations put on the deny-list, by source (feed, event) and kind', labelNames: ['source', 'kind'], registers: [metrics.registry] });
    this.entries = new Gauge({
      name: 'iam_gateway_deny_list_entries',
      help: 'Revoked sessions and subjects on the deny-list',
      labelNames: ['kind'],
      registers: [metrics.registry],
      collect: () => {
        const size = denyList.size;
        this.entries.set({ kind: 'session' }, size.sessions);
        this.entries.set({ kind: 'subject' }, size.subjects);
      },
    });
    health.register({ name: 'revocation-feed', check: async () => this.requireFeed() });
    health.register({ name: 'events', check: () => transport.check() });
    this.sweepTimer = setInterval(() => denyList.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.transport.connect(REVOCATION_TOPICS).catch((error: Error) => this.logger.warn({ error: error.message }, 'event broker not reachable at start; revocations arrive once it is'));
    // A group per process: each replica reads every revocation, from the start of the retention.
    const group = `sigma-iam.admin-gateway.${hostname()}.${randomUUID()}`;
    await this.transport.consume(group, REVOCATION_TOPICS, (message) => this.onMessage(message));
    void this.loadFeed(1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.feedTimer);
    clearInterval(this.sweepTimer);
    await this.transport.close();
  }

  private requireFeed(): void {
    if (!this.feedLoaded) throw new Error('the revocation feed has not been loaded yet');
  }

  private async loadFeed(backoffMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      const revocations = await readRevocationFeed(this.sessionServiceUrl);
      for (const revocation of revocations) if (this.denyList.add(revocation)) this.applied.inc({ source: 'feed', kind: revocation.kind });
      this.feedLoaded = true;
      this.logger.info({ revocations: revocations.length }, 'deny-list loaded from the revocation feed');
    } catch (error) {
      if (!(error instanceof FeedUnavailable)) this.logger.error({ error: (error as Error).message }, 'revocation feed unreadable');
      else this.logger.warn({ error: error.message, retry_in_ms: backoffMs }, 'revocation feed not available yet; retrying');
      this.feedTimer = setTimeout(() => void this.loadFeed(Math.min(backoffMs * 2, MAX_FEED_BACKOFF_MS)), backoffMs);
      this.feedTimer.unref();
    }
  }

  /** Malformed messages are skipped: the gateway only reads; the owning consumers dead-letter them. */
  private async onMessage(message: IncomingMessage): Promise<void> {
    if (!message.value) return;
    let envelope;
    try {
      envelope = parseEnvelope(message.value);
    } catch (error) {
      this.logger.warn({ topic: message.topic, error: (error as Error).message }, 'revocation event skipped');
      return;
    }
    if (envelope.type === 'session.revoked') {
      const data = envelope.data as SessionRevokedV1;
      if (this.denyList.add({ kind: 'session', sessionId: data.session_id, revokedAt: Date.parse(data.revoked_at) })) this.applied.inc({ source: 'event', kind: 'session' });
    } else if (envelope.type === 'user.deleted') {
      const userId = (envelope.data as { user_id: string }).user_id;
      if (this.denyList.add({ kind: 'subject', userId, revokedAt: Date.parse(envelope.occurred_at) })) this.applied.inc({ source: 'event', kind: 'subject' });
    }
  }
}
