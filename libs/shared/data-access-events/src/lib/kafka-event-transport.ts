import { Admin, Consumer, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { EventTransport, MessageHandler, OutgoingMessage } from './event-transport';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  logger: Logger;
}

const RECONNECT_DELAY_MS = 1000;

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (value !== undefined) headers[key] = Buffer.isBuffer(value) ? value.toString() : String(value);
  }
  return headers;
}

/**
 * Apache Kafka through kafkajs. The producer is idempotent with acks from all replicas; topics are
 * created at connect. A broker that is away makes `send` fail (the outbox keeps the events) and
 * consumers reconnect on their own, resuming from their committed offsets.
 */
export class KafkaEventTransport implements EventTransport {
  readonly name = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Admin;
  private readonly consumers: Consumer[] = [];
  private topicsReady = false;
  private topics: string[] = [];
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions) {
    const log = options.logger.child({ component: 'kafka' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3000,
      retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 3 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, timestamp, ...rest } = entry;
          if (level <= logLevel.ERROR) log.warn(rest, message);
          else log.debug(rest, message);
        },
    });
  }

  async connect(topics: string[]): Promise<void> {
    this.topics = topics;
    await this.ensureTopics();
  }

  async send(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.ensureTopics();
    const producer = await this.ensureProducer();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }

  async consume(groupId: string, topics: string[], handler: MessageHandler): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: 10000,
      heartbeatInterval: 3000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 10, restartOnFailure: async () => !this.closed },
    });
    this.consumers.push(consumer);
    // kafkajs restarts a crashed consumer only after retriable errors; a fresh broker's missing
    // group coordinator, for one, is not. Any crash it will not recover from restarts here.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.closed) return;
      this.options.logger.warn({ group: groupId, error: payload.error.message }, 'kafka consumer crashed; restarting');
      void consumer
        .disconnect()
        .catch(() => undefined)
        .then(() => new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS)))
        .then(() => this.runConsumer(consumer, topics, handler));
    });
    void this.runConsumer(consumer, topics, handler);
  }

  async check(): Promise<void> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    await this.admin.describeCluster();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await Promise.allSettled([this.producer?.then((p) => p.disconnect()), this.admin?.disconnect()]);
  }

  private async runConsumer(consumer: Consumer, topics: string[], handler: MessageHandler): Promise<void> {
    while (!this.closed) {
      try {
        await this.ensureTopics();
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning: true });
        await consumer.run({
          autoCommit: true,
          eachMessage: async ({ topic, message, heartbeat }) =>
            handler({ topic, key: message.key?.toString() ?? null, value: message.value, headers: headersOf(message.headers), heartbeat }),
        });
        return;
      } catch (error) {
        this.options.logger.warn({ error: (error as Error).message, topics }, 'kafka consumer not started yet; retrying');
        await consumer.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }

  /** One producer, connected once even when the relay and a dead-letter send race for it. */
  private ensureProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(
        () => producer,
        (error: unknown) => {
          this.producer = undefined;
          throw error;
        },
      );
    }
    return this.producer;
  }

  private async ensureTopics(): Promise<void> {
    if (this.topicsReady || this.topics.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = this.topics.filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.options.partitions,
            replicationFactor: this.options.replicationFactor,
          })),
        });
      }
      this.topicsReady = true;
    } finally {
      await admin.disconnect();
    }
  }
}
