import { Client } from 'pg';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '@sigma/shared/util-observability';
import { DataSource } from 'typeorm';
import { EventTransport } from './event-transport';
import { outboxChannelOf } from './outbox-publisher';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  schema: string;
  transport: EventTransport;
  metrics: ServiceMetrics;
  logger: Logger;
  pollIntervalMs: number;
  retentionHours: number;
}

const BATCH = 200;
/**
 * Bytes sent in one batch at most. kafkajs puts one partition's messages of a send into one
 * record batch, which the broker refuses above `message.max.bytes` (1 MiB by default): large
 * events (export parts) go a few at a time, and one event alone always goes.
 */
const MAX_BATCH_BYTES = 512 * 1024;
const MAX_BACKOFF_MS = 5000;
const CLEANUP_EVERY_MS = 10 * 60 * 1000;
const LISTEN_RETRY_MS = 2000;
const LAG_EVERY_MS = 1000;

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: Record<string, unknown>;
}

/**
 * Moves committed outbox rows to the broker in order, then marks them sent. A transaction-scoped
 * advisory lock lets one replica at a time send a schema's outbox, which keeps each user's events
 * in order; the others stand by. While the
 * broker is away, rows stay unsent and the relay backs off; nothing is lost. Wakes on the
 * service's NOTIFY channel and polls as a fallback.
 */
export class OutboxRelay {
  private running = false;
  private wake?: () => void;
  private interruptSleep?: () => void;
  private listener?: Client;
  private loop?: Promise<void>;
  private lastCleanup = 0;
  private lastLag = 0;
  private backlog = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.interruptSleep?.();
    await this.loop;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Sends one batch; returns how many rows were published. */
  async drainOnce(): Promise<number> {
    const { dataSource, schema, transport, metrics } = this.options;
    const sent = await dataSource.transaction(async (manager) => {
      // One replica at a time sends a schema's outbox, so one user's events reach the broker in order.
      const [{ sender }] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS sender', [`sigma-iam:outbox:${schema}`]);
      if (!sender) return [];
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, key, envelope FROM "${schema}".outbox_events
          WHERE sent_at IS NULL ORDER BY seq LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return rows;
      const messages = [];
      let bytes = 0;
      for (const row of rows) {
        const value = JSON.stringify(row.envelope);
        bytes += Buffer.byteLength(value);
        if (messages.length > 0 && bytes > MAX_BATCH_BYTES) break;
        messages.push({ row, value });
      }
      this.backlog = messages.length < rows.length || rows.length === BATCH;
      await transport.send(
        messages.map(({ row, value }) => ({
          topic: row.topic,
          key: row.key,
          value,
          headers: { 'event-id': row.id, 'event-type': row.topic, 'event-version': String(row.envelope['version']) },
        })),
      );
      const batch = messages.map((m) => m.row);
      await manager.query(`UPDATE "${schema}".outbox_events SET sent_at = now() WHERE id = ANY($1::uuid[])`, [batch.map((r) => r.id)]);
      return batch;
    });
    for (const row of sent) metrics.eventsPublished.inc({ topic: row.topic });
    return sent.length;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let published = 0;
      try {
        published = await this.drainOnce();
        if (failures > 0) this.options.logger.info({ after_failures: failures }, 'outbox relay resumed publishing');
        failures = 0;
        await this.measureLag();
        await this.cleanup();
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) {
          this.options.logger.warn({ error: (error as Error).message, failures }, 'outbox relay could not publish; will retry');
        }
        await this.measureLag().catch(() => undefined);
      }
      if (published > 0 && this.backlog) continue;
      const delay = failures > 0 ? Math.min(MAX_BACKOFF_MS, this.options.pollIntervalMs * 2 ** failures) : this.options.pollIntervalMs;
      await this.sleep(delay, failures === 0);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interruptSleep = done;
      this.wake = wakeable ? done : undefined;
    });
  }

  /** Refreshes the backlog gauges, at most once a second (the relay may pass every few ms). */
  private async measureLag(): Promise<void> {
    if (Date.now() - this.lastLag < LAG_EVERY_MS) return;
    this.lastLag = Date.now();
    const [row]: Array<{ pending: string; oldest: string | null }> = await this.options.dataSource.query(
      `SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at)) AS oldest
         FROM "${this.options.schema}".outbox_events WHERE sent_at IS NULL`,
    );
    this.options.metrics.outboxPending.set(Number(row.pending));
    this.options.metrics.outboxLagSeconds.set(row.oldest === null ? 0 : Number(row.oldest));
  }

  private async cleanup(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.options.dataSource.query(
      `DELETE FROM "${this.options.schema}".outbox_events WHERE sent_at < now() - make_interval(hours => $1)`,
      [this.options.retentionHours],
    );
  }

  /** LISTENs on the service's channel; after the connection is lost (a database restart), again. */
  private async listen(): Promise<void> {
    const url = (this.options.dataSource.options as { url?: string }).url;
    if (!url || !this.running) return;
    const client = new Client({ connectionString: url, application_name: 'outbox-relay' });
    let relistening = false;
    const relisten = (): void => {
      if (relistening) return;
      relistening = true;
      if (this.listener === client) this.listener = undefined;
      void client.end().catch(() => undefined);
      if (this.running) setTimeout(() => void this.listen(), LISTEN_RETRY_MS).unref();
    };
    client.on('error', relisten);
    client.on('end', relisten);
    client.on('notification', () => this.wake?.());
    try {
      await client.connect();
      await client.query(`LISTEN ${outboxChannelOf(this.options.schema)}`);
      this.listener = client;
      if (!this.running) await client.end();
      // Rows committed before the LISTEN took effect sent no notification this client saw.
      this.wake?.();
    } catch (error) {
      this.options.logger.debug({ error: (error as Error).message }, 'outbox relay cannot LISTEN yet; polling meanwhile');
      relisten();
    }
  }
}
