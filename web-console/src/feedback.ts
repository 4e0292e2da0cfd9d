import { createStore } from './store';

export type Verdict = 'right' | 'wrong' | 'action';
export interface Feedback {
  kind: Verdict;
  message: string;
  id: number;
}

/** The current feedback banner; a wrong one stays (and locks scanning) until acknowledged. */
export const feedback = createStore<Feedback | undefined>(undefined);
export const locked = createStore(false);

const VIBRATE: Record<Verdict, number[]> = { right: [40], wrong: [220, 80, 220, 80, 220], action: [70, 60, 70] };
// Distinct by pitch and rhythm, not only by colour: right = one high chirp, wrong = low buzz x3, action = rising pair.
const TONES: Record<Verdict, { f: number; ms: number; at: number; wave: OscillatorType }[]> = {
  right: [{ f: 1320, ms: 90, at: 0, wave: 'sine' }],
  wrong: [
    { f: 196, ms: 160, at: 0, wave: 'square' },
    { f: 196, ms: 160, at: 0.22, wave: 'square' },
    { f: 196, ms: 160, at: 0.44, wave: 'square' },
  ],
  action: [
    { f: 660, ms: 110, at: 0, wave: 'triangle' },
    { f: 990, ms: 140, at: 0.15, wave: 'triangle' },
  ],
};

let audio: AudioContext | undefined;
/** Browsers start audio only after a gesture: the first tap or key warms the context up. */
export function warmAudio(): void {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume();
  } catch {
    audio = undefined;
  }
}

function tone(kind: Verdict): void {
  if (!audio || audio.state !== 'running') return;
  const t0 = audio.currentTime;
  for (const n of TONES[kind]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = n.wave;
    osc.frequency.value = n.f;
    gain.gain.setValueAtTime(0.25, t0 + n.at);
    gain.gain.exponentialRampToValueAtTime(0.001, t0 + n.at + n.ms / 1000);
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + n.at);
    osc.stop(t0 + n.at + n.ms / 1000 + 0.02);
  }
}

/** Scan-to-feedback times (ms) measured in this page, for the speed report and the e2e test. */
export const scanLatencies: number[] = [];
(globalThis as Record<string, unknown>).__docksideScanLatencies = scanLatencies;

let seq = 0;
/** Colour, tone and vibration at once. `scanAt` (event time of the scan) measures the path to the painted banner. */
export function signal(kind: Verdict, message: string, scanAt?: number): void {
  feedback.set({ kind, message, id: ++seq });
  if (kind === 'wrong') locked.set(true);
  tone(kind);
  try {
    navigator.vibrate?.(VIBRATE[kind]);
  } catch {
    // vibration is a bonus; some browsers refuse it without a gesture
  }
  if (scanAt !== undefined)
    requestAnimationFrame(() =>
      // The frame after the state change is on screen: that is when the worker sees it.
      setTimeout(() => scanLatencies.push(performance.now() - scanAt), 0),
    );
}

export function acknowledge(): void {
  locked.set(false);
  feedback.set(undefined);
}
