import {
  ErasureAcknowledgedV1,
  ErasureRequestedV1,
  ExportCompletedV1,
  ExportPartV1,
  ExportRequestedV1,
  SessionCreatedV1,
  SessionRevokedV1,
  UserCreatedV1,
  UserDeletedV1,
  UserUpdatedV1,
} from './payloads';

/**
 * Every event the suite exchanges: its topic name (also its `type`), the current schema version,
 * and the payload class consumers validate with. One registry, so producers and consumers cannot
 * drift. Never rename a topic; add a version.
 */
export const EVENT_CATALOGUE = {
  'user.created': { version: 1, payload: UserCreatedV1 },
  'user.updated': { version: 1, payload: UserUpdatedV1 },
  'user.deleted': { version: 1, payload: UserDeletedV1 },
  'session.created': { version: 1, payload: SessionCreatedV1 },
  'session.revoked': { version: 1, payload: SessionRevokedV1 },
  'export.requested': { version: 1, payload: ExportRequestedV1 },
  'export.part': { version: 1, payload: ExportPartV1 },
  'export.completed': { version: 1, payload: ExportCompletedV1 },
  'erasure.requested': { version: 1, payload: ErasureRequestedV1 },
  'erasure.acknowledged': { version: 1, payload: ErasureAcknowledgedV1 },
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export type PayloadOf<T extends EventType> = InstanceType<(typeof EVENT_CATALOGUE)[T]['payload']>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOGUE, value);
}

/** Where a consumer parks a message it cannot process. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
