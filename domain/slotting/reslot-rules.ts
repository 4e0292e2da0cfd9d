/**
 * Re-slotting: which SKU should own which pick face, and the moves that get there. Pure, no I/O.
 *
 * Faces are ranked by the round trip from the pack stations to the face on the project's pick-path
 * model (`costMm`), less a bonus for the golden zone (waist to shoulder height: faster to pick from).
 * SKUs are ranked by picks per week, most first, ties by the lower cube-per-order index: with one
 * face per SKU and faces of one size Heskett's COI rule reduces to this frequency ranking. Greedily,
 * each SKU gets the best free face it may stand on under the putaway rules (temperature class,
 * hazmat segregation, volume and weight for its face maximum, SKUs per location, mixed lots). An
 * inward move saving less than `minSavingMmPerWeek` is not worth the labour: that SKU is pinned
 * where it is and the assignment is redone. SKUs that end without a face go to reserve (slow movers);
 * unfaced fast movers with reserve stock are promoted onto a face.
 *
 * The moves are ordered so that none waits on a location that never frees up: a move into a face
 * depends on the move that empties it; chains run from their free end; a cycle (A→B→C→A) is broken
 * by parking one SKU in a buffer location first and bringing it to its face last.
 */
import { violations, type PutawayItem, type PutawayLocation } from './putaway-rules.js';

export interface SlotFace extends PutawayLocation {
  /** Round trip from the pack stations to this location on the pick-path model (mm). */
  costMm: number;
}

export interface SlotSku {
  skuId: string;
  code: string;
  picksPerWeek: number;
  cubePerOrderIndex: number | null;
  /** The SKU's attributes as putaway sees them, `qty` = what a face must hold (its max). */
  item: PutawayItem;
  /** Lots now on its face (a face without mixed lots takes only one). */
  lots: (string | null)[];
  currentFaceId: string | null;
  /** For a SKU without a face: where its reserve stock stands and that location's round trip. */
  source?: { locationId: string; costMm: number } | null;
}

export interface ReslotOptions {
  /** A golden-zone face counts as this much closer (mm of round trip). Default 4000. */
  goldenBonusMm?: number;
  /** Moves saving less than this per week (mm) are not proposed. Default 20000 (20 m). */
  minSavingMmPerWeek?: number;
  /** Promote unfaced SKUs with reserve stock. Default true. */
  promote?: boolean;
}

export type MoveKind = 'relocate' | 'promote' | 'demote' | 'to_buffer' | 'from_buffer';

export interface ReslotMove {
  /** Execution order, 1-based: every dependency has a lower seq. */
  seq: number;
  skuId: string;
  kind: MoveKind;
  fromLocationId: string;
  toLocationId: string;
  /** The seq of the move that must finish first (it empties `toLocationId`), or null. */
  dependsOn: number | null;
}

export interface ReslotProposal {
  skuId: string;
  code: string;
  fromLocationId: string;
  toLocationId: string;
  kind: 'relocate' | 'promote' | 'demote';
  /** picks/week × (round trip before − after), on the pick-path model; negative for demotions. */
  estSavedMmPerWeek: number;
  /** Seqs of this proposal's moves (two when it goes through a buffer). */
  moveSeqs: number[];
}

export interface ReslotPlan {
  assignment: Map<string, string>;
  proposals: ReslotProposal[];
  moves: ReslotMove[];
  skipped: { skuId: string; reason: string }[];
}

export interface ReslotInput {
  faces: readonly SlotFace[];
  skus: readonly SlotSku[];
  /** Empty locations a SKU may be parked in to break a cycle (used once each). */
  buffers: readonly PutawayLocation[];
  /** Where a SKU losing its face goes (a reserve location chosen by the putaway rules). */
  demoteTo: ReadonlyMap<string, { locationId: string; costMm: number }>;
}

/** May this SKU own this face once the face is emptied? */
export function faceFits(s: SlotSku, f: PutawayLocation): boolean {
  const lots = s.lots.length ? s.lots : [s.item.lot];
  // Other lots it brings count as contents (volume and weight are in item.qty already).
  const others = lots.slice(1).map((lot) => ({
    skuId: s.skuId,
    lot,
    qty: 1,
    unitVolumeMm3: 0,
    unitWeightG: 0,
    hazmatClass: s.item.hazmatClass,
  }));
  return violations({ ...s.item, lot: lots[0] ?? null }, { ...f, contents: others, faceSkuId: null }).length === 0;
}

const rankSkus = (a: SlotSku, b: SlotSku) =>
  b.picksPerWeek - a.picksPerWeek ||
  (a.cubePerOrderIndex ?? Infinity) - (b.cubePerOrderIndex ?? Infinity) ||
  (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function assign(input: ReslotInput, faceOrder: SlotFace[], pinned: ReadonlySet<string>, promote: boolean): Map<string, string> {
  const bySku = new Map<string, string>(); // sku -> face
  const taken = new Set<string>();
  for (const s of input.skus)
    if (pinned.has(s.skuId) && s.currentFaceId) {
      bySku.set(s.skuId, s.currentFaceId);
      taken.add(s.currentFaceId);
    }
  const eligible = input.skus
    .filter((s) => !pinned.has(s.skuId) && (s.currentFaceId || (promote && s.source && s.picksPerWeek > 0)))
    .sort(rankSkus);
  for (const s of eligible) {
    const f = faceOrder.find((x) => !taken.has(x.id) && faceFits(s, x));
    if (!f) continue;
    bySku.set(s.skuId, f.id);
    taken.add(f.id);
  }
  return bySku;
}

/** The plan: target owner of every face, the proposals (one per SKU that moves) and their ordered moves. */
export function planReslot(input: ReslotInput, o: ReslotOptions = {}): ReslotPlan {
  const bonus = o.goldenBonusMm ?? 4000;
  const minSaving = o.minSavingMmPerWeek ?? 20_000;
  const promote = o.promote ?? true;
  const faceById = new Map(input.faces.map((f) => [f.id, f]));
  const score = (f: SlotFace) => f.costMm - (f.golden ? bonus : 0);
  const faceOrder = [...input.faces].sort((a, b) => score(a) - score(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const skuById = new Map(input.skus.map((s) => [s.skuId, s]));
  const skipped: { skuId: string; reason: string }[] = [];
  const pinned = new Set<string>();
  let target = new Map<string, string>();
  const gainOf = (s: SlotSku, to: string | undefined): number => {
    const fromCost = s.currentFaceId ? faceById.get(s.currentFaceId)!.costMm : s.source!.costMm;
    const toCost = to ? faceById.get(to)!.costMm : (input.demoteTo.get(s.skuId)?.costMm ?? fromCost);
    return s.picksPerWeek * (fromCost - toCost);
  };
  for (let round = 0; round <= input.skus.length; round++) {
    target = assign(input, faceOrder, pinned, promote);
    let changed = false;
    for (const s of input.skus) {
      if (pinned.has(s.skuId)) continue;
      const to = target.get(s.skuId);
      if (s.currentFaceId && to === s.currentFaceId) continue;
      if (!s.currentFaceId && !to) continue;
      if (s.currentFaceId && !to && !input.demoteTo.has(s.skuId)) {
        pinned.add(s.skuId);
        skipped.push({ skuId: s.skuId, reason: 'no reserve location takes it: stays on its face' });
        changed = true;
      } else if (to) {
        // An inward move saving too little is not worth the labour (an unfaced SKU then stays in reserve). An
        // outward move (negative gain) is the price of a faster SKU taking the face: it stands or falls with that one.
        const g = gainOf(s, to);
        if (g >= 0 && g < minSaving) {
          pinned.add(s.skuId);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  // Face -> its current owner, for dependencies.
  const ownerNow = new Map<string, string>();
  for (const s of input.skus) if (s.currentFaceId) ownerNow.set(s.currentFaceId, s.skuId);
  interface Pending {
    s: SlotSku;
    kind: 'relocate' | 'promote' | 'demote';
    from: string;
    to: string;
  }
  const pending: Pending[] = [];
  for (const s of input.skus) {
    const to = target.get(s.skuId);
    if (s.currentFaceId && to && to !== s.currentFaceId) pending.push({ s, kind: 'relocate', from: s.currentFaceId, to });
    else if (!s.currentFaceId && to) pending.push({ s, kind: 'promote', from: s.source!.locationId, to });
    else if (s.currentFaceId && !to && !pinned.has(s.skuId))
      pending.push({ s, kind: 'demote', from: s.currentFaceId, to: input.demoteTo.get(s.skuId)!.locationId });
  }
  const moves: ReslotMove[] = [];
  const proposals: ReslotProposal[] = [];
  const outSeq = new Map<string, number>(); // face -> seq of the move that empties it
  const proposalOf = new Map<string, ReslotProposal>();
  const addMove = (s: SlotSku, kind: MoveKind, from: string, to: string, dependsOn: number | null) => {
    const seq = moves.length + 1;
    moves.push({ seq, skuId: s.skuId, kind, fromLocationId: from, toLocationId: to, dependsOn });
    if (faceById.has(from) && (kind === 'relocate' || kind === 'demote' || kind === 'to_buffer')) outSeq.set(from, seq);
    proposalOf.get(s.skuId)!.moveSeqs.push(seq);
    return seq;
  };
  for (const p of pending) {
    const prop: ReslotProposal = {
      skuId: p.s.skuId,
      code: p.s.code,
      fromLocationId: p.from,
      toLocationId: p.to,
      kind: p.kind,
      estSavedMmPerWeek: Math.round(gainOf(p.s, p.kind === 'demote' ? undefined : p.to)),
      moveSeqs: [],
    };
    proposalOf.set(p.s.skuId, prop);
    proposals.push(prop);
  }
  // A move into face X may run once X's current owner has left (or at once if X is empty or its owner is not moving).
  const blocker = (p: Pending): string | null => {
    const owner = ownerNow.get(p.to);
    return owner && owner !== p.s.skuId ? owner : null;
  };
  const movingOut = new Set(pending.filter((p) => p.kind !== 'promote').map((p) => p.s.skuId));
  let left = pending.filter((p) => {
    const b = blocker(p);
    if (b && !movingOut.has(b)) {
      // Cannot happen with a consistent assignment (X is assigned away from a SKU that stays); guard anyway.
      skipped.push({ skuId: p.s.skuId, reason: `its target face stays occupied by ${skuById.get(b)?.code ?? b}` });
      proposals.splice(proposals.indexOf(proposalOf.get(p.s.skuId)!), 1);
      return false;
    }
    return true;
  });
  const usedBuffers = new Set<string>();
  const parked = new Map<string, string>(); // sku -> buffer
  const dropped = new Set<string>();
  const drop = (x: Pending, reason: string) => {
    dropped.add(x.s.skuId);
    skipped.push({ skuId: x.s.skuId, reason });
    proposals.splice(proposals.indexOf(proposalOf.get(x.s.skuId)!), 1);
  };
  while (left.length) {
    // A move whose target face stays occupied by a SKU that is no longer moving cannot run either.
    const doomed = left.filter((x) => {
      const b = blocker(x);
      return b && dropped.has(b);
    });
    if (doomed.length) {
      for (const x of doomed) drop(x, 'its target face stays occupied (that move was dropped)');
      left = left.filter((x) => !doomed.includes(x));
      continue;
    }
    const ready = left.filter((x) => {
      const b = blocker(x);
      return !b || outSeq.has(x.to);
    });
    if (ready.length) {
      for (const x of ready) {
        const b = blocker(x);
        const dep = b ? outSeq.get(x.to)! : null;
        const buf = parked.get(x.s.skuId);
        if (buf) addMove(x.s, 'from_buffer', buf, x.to, dep);
        else addMove(x.s, x.kind, x.from, x.to, dep);
      }
      left = left.filter((x) => !ready.includes(x));
      continue;
    }
    // Nothing can run: follow the blockers from any waiting move until one repeats; that one is on a cycle.
    const seen: Pending[] = [];
    let cur = left[0]!;
    while (!seen.includes(cur)) {
      seen.push(cur);
      const owner = blocker(cur)!;
      cur = left.find((x) => x.s.skuId === owner)!;
    }
    const cycle = seen.slice(seen.indexOf(cur));
    // Park the cycle's member whose parking costs least: the first (by seq order of the input) that a buffer fits.
    const park = cycle.find((x) => input.buffers.some((b) => !usedBuffers.has(b.id) && faceFits(x.s, b)));
    if (!park) {
      for (const x of cycle) drop(x, 'part of a move cycle and no buffer location fits');
      left = left.filter((x) => !cycle.includes(x));
      continue;
    }
    const buf = input.buffers.find((b) => !usedBuffers.has(b.id) && faceFits(park.s, b))!;
    usedBuffers.add(buf.id);
    parked.set(park.s.skuId, buf.id);
    addMove(park.s, 'to_buffer', park.from, buf.id, null);
  }
  const assignment = new Map<string, string>();
  for (const f of input.faces) {
    const owner = [...target.entries()].find(([, face]) => face === f.id)?.[0];
    if (owner && proposals.some((p) => p.skuId === owner)) assignment.set(f.id, owner);
    else if (ownerNow.has(f.id) && !proposals.some((p) => p.skuId === ownerNow.get(f.id))) assignment.set(f.id, ownerNow.get(f.id)!);
  }
  return { assignment, proposals, moves, skipped };
}
