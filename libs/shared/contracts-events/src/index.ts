export { deadLetterTopicOf, EVENT_CATALOGUE, EVENT_TYPES } from './lib/catalogue';
export type { EventType, PayloadOf } from './lib/catalogue';
export { createEnvelope, EventEnvelope, InvalidEventError, parseEnvelope } from './lib/envelope';
export type { NewEvent, TypedEnvelope } from './lib/envelope';
export * from './lib/payloads';
