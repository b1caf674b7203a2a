export { createEventTransport } from './lib/create-transport';
export { EventConsumerHost } from './lib/event-consumer';
export type { EventConsumerOptions, EventHandler } from './lib/event-consumer';
import { CreateEventTables1763800000000 } from './lib/event-tables.migration';
export { CreateEventTables1763800000000 };
export type { EventTransport, IncomingMessage, MessageHandler, OutgoingMessage } from './lib/event-transport';
export { EventsModule } from './lib/events.module';
export type { EventsModuleOptions } from './lib/events.module';
export { InMemoryEventBus, InMemoryEventTransport } from './lib/in-memory-event-bus';
export { KafkaEventTransport } from './lib/kafka-event-transport';
export { OutboxPublisher } from './lib/outbox-publisher';
export { OutboxRelay } from './lib/outbox-relay';


/** Migrations every service with events adds to its DataSource (outbox and processed events). */
export const EVENT_MIGRATIONS = [CreateEventTables1763800000000];
export { decryptSlice, encryptSlice, EXPORT_KEY_ALGORITHM, publishExportSlice } from './lib/export-slice';
export type { ExportSlice } from './lib/export-slice';
