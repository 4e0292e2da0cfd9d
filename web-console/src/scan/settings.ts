import { createStore } from '../store';

/** How this device's scanner is set up (DataWedge profile, Honeywell data editing…); kept per device. */
export interface ScannerSettings {
  /** The printable character the wedge profile sends in place of GS (FNC1), e.g. "~"; empty when GS arrives as is. */
  gsChar: string;
  /** A pause longer than this between two keys starts a new scan (stray keys never prefix a scan). */
  maxGapMs: number;
}
const KEY = 'dockside.scanner';
// A scanner sends a burst in a few ms a key; a busy handheld can stall mid-burst, so the split is generous.
const DEFAULTS: ScannerSettings = { gsChar: '', maxGapMs: 1000 };

function load(): ScannerSettings {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ScannerSettings>) };
  } catch {
    return DEFAULTS;
  }
}
export const scannerSettings = createStore<ScannerSettings>(load());
scannerSettings.subscribe((s) => localStorage.setItem(KEY, JSON.stringify(s)));
