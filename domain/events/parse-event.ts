import { z } from 'zod';
import { eventSchemas, relayedEventSchema, type DomainEventType, type EventPayload, type RelayedEvent } from './catalogue.js';

/** A relayed event whose payload has been checked against its catalogue schema; `type` narrows `payload`. */
export type DomainEvent = {
  [K in DomainEventType]: Omit<RelayedEvent, 'type' | 'payload'> & { type: K; payload: EventPayload<K> };
}[DomainEventType];

/**
 * Consumers' side of the event contract: the envelope, then the payload against the catalogue's schema
 * for its type. Throws a ZodError (a type outside the catalogue counts too): such a job can never
 * succeed, so the worker guard dead-letters it at once instead of retrying.
 */
export function parseDomainEvent(data: unknown): DomainEvent {
  const e = relayedEventSchema.parse(data);
  const schema = (eventSchemas as Record<string, z.ZodType>)[e.type];
  if (!schema)
    throw new z.ZodError([{ code: 'custom', path: ['type'], message: `${e.type} is not in the event catalogue`, input: e.type }]);
  return { ...e, payload: schema.parse(e.payload) } as DomainEvent;
}
