import type { EntityManager } from '@mikro-orm/postgresql';
import { defineLifecycle, writeMoveOne, type MoveWrite } from '../shared/lifecycle.js';

/** The receipt (ASN) lifecycle (`asn.status`): expected → receiving (every receipt scan) → closed. */
export const asnLifecycle = defineLifecycle({
  name: 'ASN',
  table: 'asn',
  initial: ['expected'],
  moves: {
    expected: ['receiving', 'closed'],
    receiving: ['receiving', 'closed'],
    closed: [],
  },
});
export type AsnStatus = (typeof asnLifecycle.states)[number];

/** The one way `asn.status` changes: checked against the table and guarded in SQL (receiving emits its events). */
export async function moveAsn(em: EntityManager, asn: { id: string; status: string }, to: AsnStatus, w: MoveWrite = {}): Promise<void> {
  await writeMoveOne(em, asnLifecycle, asn, to, w);
}
