import { scannerSettings } from './settings';

/** One complete scan, however it arrived. `at` is the event time of its last key (performance clock). */
export interface RawScan {
  raw: string;
  at: number;
  source: 'wedge' | 'camera' | 'manual';
  /** How the wedge ended it ('Enter' or 'Tab'); undefined for camera and typed entries. */
  terminator?: 'Enter' | 'Tab';
}
export type ScanHandler = (s: RawScan) => void;

const GS = '\x1d';
const handlers: { fn: ScanHandler }[] = [];
let buffer = '';
let lastKeyAt = 0;

/** The innermost screen that listens gets the scan (a dialog over a flow takes scans first). */
export function onScan(fn: ScanHandler): () => void {
  const h = { fn };
  handlers.push(h);
  return () => {
    const i = handlers.indexOf(h);
    if (i >= 0) handlers.splice(i, 1);
  };
}

export function emitScan(s: RawScan): void {
  handlers[handlers.length - 1]?.fn(s);
}

function editable(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.dataset?.scanSink !== undefined) return false;
  return (
    el.isContentEditable ||
    el.tagName === 'TEXTAREA' ||
    el.tagName === 'SELECT' ||
    (el.tagName === 'INPUT' && (el as HTMLInputElement).type !== 'button')
  );
}

// Kept minimal on purpose: Android Chrome drops keystrokes that arrive while the page is busy, so
// this handler only appends to a string; parsing and rendering happen once, on the terminator.
function onKey(e: KeyboardEvent): void {
  if (e.isComposing || editable(e.target)) return;
  const { gsChar, maxGapMs } = scannerSettings.get();
  if (e.key === 'Enter' || e.key === 'Tab') {
    if (!buffer) return;
    e.preventDefault();
    e.stopPropagation();
    const raw = buffer;
    buffer = '';
    emitScan({ raw, at: e.timeStamp, source: 'wedge', terminator: e.key });
    return;
  }
  let ch: string | undefined;
  if (e.ctrlKey && e.key === ']')
    ch = GS; // Ctrl+] is how a keyboard types GS (0x1D)
  else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) ch = e.key;
  if (ch === undefined) return;
  e.preventDefault();
  if (e.timeStamp - lastKeyAt > maxGapMs) buffer = '';
  lastKeyAt = e.timeStamp;
  buffer += gsChar && ch === gsChar ? GS : ch;
}

let installed = false;
/** Listens on the whole page: a scan needs no focused field. Fields the worker types into keep their keys. */
export function installWedge(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('keydown', onKey, true);
}
