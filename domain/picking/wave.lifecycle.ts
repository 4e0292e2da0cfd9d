import type { EntityManager } from '@mikro-orm/postgresql';
import type { DomainEventType } from '../events/catalogue.js';
import { emit, type EmitInput } from '../events/outbox.js';
import { defineLifecycle, writeMoveOne, type MoveWrite } from '../shared/lifecycle.js';

/**
 * The wave lifecycle (`wave.status`): planned → released (tasks created) → picked (no pick task open) →
 * completed (every order packed or removed); planned or released waves can be cancelled.
 */
export const waveLifecycle = defineLifecycle({
  name: 'Wave',
  table: 'wave',
  initial: ['planned'],
  moves: {
    planned: ['released', 'cancelled'],
    released: ['picked', 'cancelled'],
    picked: ['completed'],
    completed: [],
    cancelled: [],
  },
});
export type WaveStatus = (typeof waveLifecycle.states)[number];

/** The one way `wave.status` changes: checked against the table, guarded in SQL, with the move's events. */
export async function moveWave(
  em: EntityManager,
  wave: { id: string; status: string },
  to: WaveStatus,
  m: MoveWrite & { events?: EmitInput<DomainEventType>[] } = {},
): Promise<void> {
  await writeMoveOne(em, waveLifecycle, wave, to, m);
  if (m.events?.length) await emit(em, ...m.events);
}
