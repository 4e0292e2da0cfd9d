import { defineLifecycle } from '../shared/lifecycle.js';

/**
 * A re-slotting move (`reslot_move.status`): proposed by a run → approved by a supervisor (waiting for the move
 * that empties its destination) → released (its move task is in the pool) → done when the handheld confirms it.
 * Rejected by the supervisor, or superseded when a newer run replaces the proposals nobody approved.
 */
export const reslotMoveLifecycle = defineLifecycle({
  name: 'Re-slotting move',
  table: 'reslot_move',
  initial: ['proposed'],
  moves: {
    proposed: ['approved', 'rejected', 'superseded'],
    approved: ['released'],
    released: ['done'],
    done: [],
    rejected: [],
    superseded: [],
  },
});
export type ReslotMoveStatus = (typeof reslotMoveLifecycle.states)[number];
