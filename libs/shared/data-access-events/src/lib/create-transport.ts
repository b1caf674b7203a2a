import type { EventSettings } from '@sigma/shared/util-config';
import type { Logger } from 'pino';
import { EventTransport } from './event-transport';
import { InMemoryEventBus, InMemoryEventTransport } from './in-memory-event-bus';
import { KafkaEventTransport } from './kafka-event-transport';

/** The transport the settings ask for; the in-memory one needs the process's shared bus. */
export function createEventTransport(settings: EventSettings, logger: Logger, bus?: InMemoryEventBus): EventTransport {
  if (settings.EVENT_TRANSPORT === 'memory') {
    if (!bus) throw new Error('EVENT_TRANSPORT=memory is only available in the embedded mode (npm start)');
    return new InMemoryEventTransport(bus);
  }
  return new KafkaEventTransport({
    brokers: settings.KAFKA_BROKERS,
    clientId: settings.KAFKA_CLIENT_ID,
    partitions: settings.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: settings.KAFKA_REPLICATION_FACTOR,
    logger,
  });
}
