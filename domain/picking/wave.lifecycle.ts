import { defineLifecycle } from '../shared/lifecycle.js';

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
