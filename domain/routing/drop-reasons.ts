import { Rng } from './prng.js';
import { findBestInsertion, findPairInsertion } from './recreate.js';
import { simulateRoute, SIM_BREAK, SIM_CAPACITY, SIM_DISTANCE, SIM_OK, SIM_SHIFT, SIM_SKILLS, SIM_TIME_WINDOW } from './route-sim.js';
import type { DropReason } from './routing.schemas.js';
import type { SolutionState } from './solution-state.js';

const REASON: Record<number, DropReason> = {
  [SIM_SKILLS]: 'skills',
  [SIM_CAPACITY]: 'capacity',
  [SIM_TIME_WINDOW]: 'time_window',
  [SIM_BREAK]: 'break',
  [SIM_SHIFT]: 'shift',
  [SIM_DISTANCE]: 'max_distance',
};

/**
 * Why each unassigned job of the final plan is left out. A job (or pair) that no vehicle
 * could serve even on an otherwise empty route gets the rule that stops it: skills when no
 * vehicle has them, else capacity when no skilled vehicle can carry it, else the rule broken
 * on most of the remaining vehicles. A job that would fit alone was squeezed out by the
 * others ('no_room'), or, if optional, still has a place whose cost exceeds its drop penalty
 * ('penalty_cheaper').
 */
export function dropReasons(S: SolutionState): Map<number, DropReason> {
  const m = S.m;
  const out = new Map<number, DropReason>();
  const rng = new Rng(1);
  const seen = new Uint8Array(S.nTypes);
  for (const j of S.unassigned) {
    if (out.has(j)) continue;
    const q = m.partner[j];
    const seq = q >= 0 ? (m.isPickup[j] ? [j, q] : [q, j]) : [j];
    const counts = new Map<number, number>();
    let alone = false;
    for (let v = 0; v < m.V && !alone; v++) {
      const code = simulateRoute(m, v, seq, seq.length);
      if (code === SIM_OK) alone = true;
      else counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    let reason: DropReason;
    if (alone) {
      let placeable: boolean;
      if (seq.length === 2) placeable = findPairInsertion(S, seq[0], seq[1], 0, rng, seen).route >= 0;
      else placeable = findBestInsertion(S, j, 0, rng, seen).route >= 0;
      reason = placeable && m.optional[j] ? 'penalty_cheaper' : 'no_room';
    } else if (counts.get(SIM_SKILLS) === m.V) reason = 'skills';
    else if ((counts.get(SIM_SKILLS) ?? 0) + (counts.get(SIM_CAPACITY) ?? 0) === m.V) reason = 'capacity';
    else {
      let bestCode = SIM_TIME_WINDOW;
      let bestCount = -1;
      for (const [code, n] of counts) {
        if (code === SIM_SKILLS || code === SIM_CAPACITY) continue;
        if (n > bestCount) {
          bestCode = code;
          bestCount = n;
        }
      }
      reason = REASON[bestCode] ?? 'no_room';
    }
    for (const x of seq) out.set(x, reason);
  }
  return out;
}
