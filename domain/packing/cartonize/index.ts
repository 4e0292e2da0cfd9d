/** Public API of cartonization: pure rules, no I/O. */
export { cartonize } from './cartonize.js';
export { validatePacking } from './validate-packing.js';
export type { ValidateOptions, ValidationReport, Violation, ViolationKind } from './validate-packing.js';
export { expandLines } from './expand-lines.js';
export type { OrderLine } from './expand-lines.js';
export type {
  BoxType,
  Carton,
  CartonizeOptions,
  CartonizeResult,
  Orientation,
  PackItem,
  PlacedItem,
  UnpackedItem,
  UnpackedReason,
} from './types.js';
