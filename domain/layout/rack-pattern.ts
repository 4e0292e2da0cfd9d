/**
 * Rack-run patterns: `A-01..20-01..05-01..04` = aisle A, bays 01–20, levels 01–05, positions 01–04
 * (400 locations). A segment is a literal (`A`, `R2`), a number range (`01..20`, zero-padded to the
 * width of its first bound) or a letter range (`A..D`). Pure: no I/O.
 */

export interface RackSlot {
  code: string;
  aisle: string;
  bay: number | null;
  level: number | null;
  position: number | null;
}

export class PatternError extends Error {}

const MAX_SLOTS = 50_000;

function expandSegment(seg: string): string[] {
  const m = /^(\d+)\.\.(\d+)$/.exec(seg);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (b < a) throw new PatternError(`range ${seg} runs backwards`);
    const width = m[1]!.length;
    return Array.from({ length: b - a + 1 }, (_, i) => String(a + i).padStart(width, '0'));
  }
  const l = /^([A-Z])\.\.([A-Z])$/.exec(seg);
  if (l) {
    const [a, b] = [l[1]!.charCodeAt(0), l[2]!.charCodeAt(0)];
    if (b < a) throw new PatternError(`range ${seg} runs backwards`);
    return Array.from({ length: b - a + 1 }, (_, i) => String.fromCharCode(a + i));
  }
  if (/^[A-Z0-9]{1,8}$/.test(seg)) return [seg];
  throw new PatternError(`segment "${seg}" is neither a literal (A-Z, 0-9) nor a range like 01..20 or A..D`);
}

/** Every location a pattern describes, in code order (aisle, bay, level, position). */
export function expandRackPattern(pattern: string): RackSlot[] {
  const segs = pattern.trim().toUpperCase().split('-');
  if (segs.length < 2 || segs.length > 4) throw new PatternError('a pattern has 2 to 4 segments: aisle-bay[-level[-position]]');
  const parts = segs.map(expandSegment);
  const total = parts.reduce((n, p) => n * p.length, 1);
  if (total > MAX_SLOTS) throw new PatternError(`pattern describes ${total} locations; at most ${MAX_SLOTS} per run`);
  let combos: string[][] = [[]];
  for (const p of parts) combos = combos.flatMap((c) => p.map((v) => [...c, v]));
  return combos.map((c) => ({
    code: c.join('-'),
    aisle: c[0]!,
    bay: c[1] !== undefined && /^\d+$/.test(c[1]) ? Number(c[1]) : null,
    level: c[2] !== undefined && /^\d+$/.test(c[2]) ? Number(c[2]) : null,
    position: c[3] !== undefined && /^\d+$/.test(c[3]) ? Number(c[3]) : null,
  }));
}

export interface RackGeometry {
  /** x of the aisle's centre line (mm); aisles run along y. */
  aisleXMm: number;
  /** y of the first bay's front edge (mm). */
  originYMm: number;
  bayWidthMm: number;
  levelHeightMm: number;
  /** Rack faces on both sides of the aisle: odd bays left (x − offset), even bays right (x + offset); 0 = one face. */
  faceOffsetMm: number;
  positionsPerBay?: number;
}

/**
 * Plan coordinates for slots of one aisle. With two faces, bays 1 and 2 face each other at the same y
 * (odd left, even right), the usual numbering that lets a picker serve both sides in one pass.
 */
export function placeSlots(slots: RackSlot[], g: RackGeometry): (RackSlot & { xMm: number; yMm: number; zMm: number })[] {
  const perBay = Math.max(1, g.positionsPerBay ?? Math.max(1, ...slots.map((s) => s.position ?? 1)));
  return slots.map((s) => {
    const bay = s.bay ?? 1;
    const twoFaces = g.faceOffsetMm > 0;
    const row = twoFaces ? Math.floor((bay - 1) / 2) : bay - 1;
    const side = twoFaces ? (bay % 2 === 1 ? -1 : 1) : 0;
    const pos = (s.position ?? 1) - 1;
    return {
      ...s,
      xMm: Math.round(g.aisleXMm + side * g.faceOffsetMm),
      yMm: Math.round(g.originYMm + row * g.bayWidthMm + ((pos + 0.5) * g.bayWidthMm) / perBay),
      zMm: Math.round(((s.level ?? 1) - 1) * g.levelHeightMm),
    };
  });
}
