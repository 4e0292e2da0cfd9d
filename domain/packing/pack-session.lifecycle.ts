import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLifecycle, writeMoveOne, type MoveWrite } from '../shared/lifecycle.js';

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

/**
 * The one way `pack_session.status` changes: checked against the table and guarded in SQL. Its moves have no
 * events of their own (packing announces the shipments it creates).
 */
export async function movePackSession(
  em: EntityManager,
  session: { id: string; status: string },
  to: PackSessionStatus,
  m: MoveWrite = {},
) {
  await writeMoveOne(em, packSessionLifecycle, session, to, m);
}
