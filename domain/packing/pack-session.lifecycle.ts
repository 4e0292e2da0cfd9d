import { defineLifecycle } from '../shared/lifecycle.js';

/** The pack session lifecycle (`pack_session.status`): verifying → verified (every item scanned) → packed. */
export const packSessionLifecycle = defineLifecycle({
  name: 'Pack session',
  table: 'pack_session',
  initial: ['verifying'],
  moves: {
    verifying: ['verified', 'cancelled'],
    verified: ['packed', 'cancelled'],
    packed: [],
    cancelled: [],
  },
});
export type PackSessionStatus = (typeof packSessionLifecycle.states)[number];
