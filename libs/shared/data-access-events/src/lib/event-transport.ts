/** A message on its way to the broker. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A message as a consumer receives it. */
export interface IncomingMessage {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Keeps the consumer's group membership alive during a long handling (Kafka only). */
  heartbeat?: () => Promise<void>;
}

/**
 * Resolves once the message is dealt with (applied, skipped as a duplicate, or dead-lettered).
 * Rejecting tells the transport to deliver it again later: nothing is acknowledged that was not handled.
 */
export type MessageHandler = (message: IncomingMessage) => Promise<void>;

/** What publishing and consuming need from a broker; Kafka in production, in-memory when embedded. */
export interface EventTransport {
  readonly name: 'kafka' | 'memory';
  /** Creates the topics (where the broker needs it) and connects the producer. */
  connect(topics: string[]): Promise<void>;
  send(messages: OutgoingMessage[]): Promise<void>;
  /** Starts a consumer group reading the topics from the earliest unconsumed message. */
  consume(groupId: string, topics: string[], handler: MessageHandler): Promise<void>;
  /** Readiness: resolves when the broker answers. */
  check(): Promise<void>;
  close(): Promise<void>;
}
