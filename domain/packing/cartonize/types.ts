/**
 * Shapes of the cartonization rules. Units are integers: millimetres and grams.
 * Coordinates: x along the box's inner length, y along its inner width, z up (the box's height,
 * the floor of the box is z = 0). A box is never turned over: its height is always vertical.
 */

/** One physical unit to pack (an order line of qty n becomes n units, see expandLines). */
export interface PackItem {
  itemId: string;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  weightG: number;
  /** Only rotations about the vertical axis: the item's own height stays vertical. */
  thisSideUp?: boolean;
  /** Nothing may be placed anywhere above the item's top face (within its footprint). */
  noStack?: boolean;
  /** Nothing heavier than the item may be placed anywhere above it (within its footprint). */
  fragile?: boolean;
}

/** A box from the catalogue: inner dimensions, maximum gross weight (tare + contents), tare. */
export interface BoxType {
  boxId: string;
  innerLengthMm: number;
  innerWidthMm: number;
  innerHeightMm: number;
  maxWeightG: number;
  tareG: number;
}

/**
 * Which of the item's own dimensions (L = length, W = width, H = height) lies along x, y, z.
 * `LWH` is the item as described; `WLH` is it turned a quarter about the vertical axis.
 */
export type Orientation = 'LWH' | 'WLH' | 'LHW' | 'HLW' | 'WHL' | 'HWL';

export interface PlacedItem {
  itemId: string;
  xMm: number;
  yMm: number;
  zMm: number;
  /** Placed extents along x, y, z (after rotation). */
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  orientation: Orientation;
}

export interface Carton {
  boxId: string;
  items: PlacedItem[];
  /** Item volume ÷ box inner volume, 0..1. */
  fillRate: number;
  /** Tare plus contents. */
  grossWeightG: number;
  /** Inner volume not taken by items: what void fill has to occupy. */
  voidFillMm3: number;
}

export type UnpackedReason = 'invalid_dimensions' | 'too_large_for_any_box' | 'too_heavy_for_any_box' | 'no_room';

export interface UnpackedItem {
  itemId: string;
  reason: UnpackedReason;
}

export interface CartonizeResult {
  cartons: Carton[];
  unpacked: UnpackedItem[];
}

export interface CartonizeOptions {
  /**
   * Share (0..1) of an item's base that must rest on the box floor or on the top faces of
   * items directly beneath it. Default 0.5: the item's centre region is carried; void fill
   * supports the rest.
   */
  minSupportRatio?: number;
  /** Hard cap on cartons per order; items beyond it are reported unpacked ('no_room'). Default: no cap. */
  maxCartons?: number;
}
