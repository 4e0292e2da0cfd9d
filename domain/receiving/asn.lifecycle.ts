import { defineLifecycle } from '../shared/lifecycle.js';

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
