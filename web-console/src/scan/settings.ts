import { createStore } from '../store';

/** How this device's scanner is set up (DataWedge profile, Honeywell data editing…); kept per device. */
export interface ScannerSettings {
  /** The printable character the wedge profile sends in place of GS (FNC1), e.g. "~"; empty when GS arrives as is. */
  gsChar: string;
  /** A pause longer than this between two keys starts a new scan (stray keys never prefix a scan). */
  maxGapMs: number;
}
const KEY = 'dockside.scanner';
const DEFAULTS: ScannerSettings = { gsChar: '', maxGapMs: 300 };

function load(): ScannerSettings {
  try {
    return { ...DEFAULTS, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ScannerSettings>) };
  } catch {
    return DEFAULTS;
  }
}
export const scannerSettings = createStore<ScannerSettings>(load());
scannerSettings.subscribe((s) => localStorage.setItem(KEY, JSON.stringify(s)));
