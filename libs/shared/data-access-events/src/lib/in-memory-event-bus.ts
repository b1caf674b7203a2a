import { EventTransport, IncomingMessage, MessageHandler, OutgoingMessage } from './event-transport';

const RETAINED_PER_TOPIC = 10000;
const REDELIVERY_DELAY_MS = 500;

interface Group {
  handler: MessageHandler;
  topics: Set<string>;
  /** Serialises deliveries to the group, as one Kafka partition would. */
  queue: Promise<void>;
}

/**
 * The event backbone of the embedded mode: one bus shared by the five applications of the
 * process. Each consumer group receives every message once; `send` resolves after every group
 * subscribed at that moment has handled the message, so the outbox marks nothing sent that was not
 * applied. A group that subscribes later first replays what the bus retained (the last
 * RETAINED_PER_TOPIC messages of each topic), like a new Kafka group reading from the earliest offset.
 */
export class InMemoryEventBus {
  private readonly log = new Map<string, IncomingMessage[]>();
  private readonly groups = new Map<string, Group>();
  private closed = false;

  async publish(messages: OutgoingMessage[]): Promise<void> {
    for (const message of messages) {
      const incoming: IncomingMessage = {
        topic: message.topic,
        key: message.key,
        value: Buffer.from(message.value),
        headers: { ...message.headers },
      };
      const retained = this.log.get(message.topic) ?? [];
      retained.push(incoming);
      if (retained.length > RETAINED_PER_TOPIC) retained.shift();
      this.log.set(message.topic, retained);
      await Promise.all([...this.groups.values()].filter((g) => g.topics.has(message.topic)).map((g) => this.deliver(g, incoming)));
    }
  }

  subscribe(groupId: string, topics: string[], handler: MessageHandler): void {
    if (this.groups.has(groupId)) throw new Error(`consumer group ${groupId} is already subscribed`);
    const group: Group = { handler, topics: new Set(topics), queue: Promise.resolve() };
    this.groups.set(groupId, group);
    for (const topic of topics) for (const message of this.log.get(topic) ?? []) void this.deliver(group, message);
  }

  unsubscribe(groupId: string): void {
    this.groups.delete(groupId);
  }

  close(): void {
    this.closed = true;
    this.groups.clear();
  }

  private deliver(group: Group, message: IncomingMessage): Promise<void> {
    const attempt = async (): Promise<void> => {
      while (!this.closed) {
        try {
          await group.handler(message);
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
        }
      }
    };
    group.queue = group.queue.then(attempt);
    return group.queue;
  }
}

/** One application's view of the shared in-memory bus. */
export class InMemoryEventTransport implements EventTransport {
  readonly name = 'memory' as const;
  private readonly groups: string[] = [];

  constructor(private readonly bus: InMemoryEventBus) {}

  async connect(): Promise<void> {
    return;
  }

  send(messages: OutgoingMessage[]): Promise<void> {
    return this.bus.publish(messages);
  }

  async consume(groupId: string, topics: string[], handler: MessageHandler): Promise<void> {
    this.bus.subscribe(groupId, topics, handler);
    this.groups.push(groupId);
  }

  async check(): Promise<void> {
    return;
  }

  async close(): Promise<void> {
    for (const groupId of this.groups) this.bus.unsubscribe(groupId);
  }
}
