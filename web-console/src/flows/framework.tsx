import type { ComponentChildren, ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { locked, signal, type Verdict } from '../feedback';
import { t, useT } from '../i18n';
import { codeOf, describeReading, readScan, type ScanResult } from '../scan/readings';
import { scannerSettings } from '../scan/settings';
import { emitScan, onScan, type RawScan } from '../scan/wedge';
import { session } from '../session';

/** A scan as a step sees it: one reading (the worker chose when there were several). */
export interface ScanIn {
  raw: string;
  reading: ScanResult;
  /** What the scan names as text: location, LPN, SKU code or barcode. */
  code: string;
  at: number;
}

export type Outcome<C> =
  | { verdict: 'right'; next?: string; ctx?: Partial<C>; message?: string }
  | { verdict: 'wrong'; message: string }
  | { verdict: 'action'; message: string; next?: string; ctx?: Partial<C> };

export interface FlowApi<C> {
  ctx: C;
  step: string;
  go(step: string, patch?: Partial<C>): void;
  patch(p: Partial<C>): void;
  /** Give feedback for something other than a scan (a server answer, a live event). */
  say(kind: Verdict, message: string): void;
}

/** One screen of a flow: it asks for exactly one thing. */
export interface StepDef<C> {
  /** The one thing asked, in the worker's words ("Scan the location label"). */
  prompt(c: C): string;
  /** Where and what: the big location code, the item, the quantity. */
  info?(c: C, f: FlowApi<C>): ComponentChildren;
  /** What a scan means here. Kept synchronous where it can be (local check): feedback must come within 100 ms. */
  scan?(s: ScanIn, c: C, f: FlowApi<C>): Outcome<C> | Promise<Outcome<C>>;
  /** Controls below the prompt: keypad, choices, buttons. */
  body?(c: C, f: FlowApi<C>): ComponentChildren;
  /** Runs when the step is entered (fetching, submitting). */
  enter?(c: C, f: FlowApi<C>): void;
}

export interface FlowDef<C> {
  id: string;
  start: string;
  initial(): C;
  steps: Record<string, StepDef<C>>;
  /** Keep the flow's state across reloads (the current task works through a reload, offline too). */
  persist?: boolean;
}

const storeKey = (id: string) => `dockside.flow.${id}.${session.get()?.user.id ?? 'anon'}`;

function restore<C>(def: FlowDef<C>): { step: string; ctx: C } {
  if (def.persist)
    try {
      const raw = localStorage.getItem(storeKey(def.id));
      if (raw) {
        const v = JSON.parse(raw) as { step: string; ctx: C };
        if (def.steps[v.step]) return v;
      }
    } catch {
      // a corrupt saved state starts the flow afresh
    }
  return { step: def.start, ctx: def.initial() };
}

/** Runs a flow: owns its state, takes the page's scans, turns outcomes into feedback and steps. */
export function useFlow<C>(def: FlowDef<C>, seed?: Partial<C>): FlowApi<C> & { choosing?: ScanResult[]; choose(r: ScanResult): void } {
  const [state, setState] = useState(() => restore(def));
  const ref = useRef(state);
  const [choosing, setChoosing] = useState<{ raw: string; at: number; readings: ScanResult[] }>();
  const set = (next: { step: string; ctx: C }) => {
    ref.current = next;
    if (def.persist) localStorage.setItem(storeKey(def.id), JSON.stringify(next));
    setState(next);
  };
  // One object for the flow's life: effects registered once read the current state through it.
  const apiRef = useRef<FlowApi<C> & { choosing?: ScanResult[]; choose(r: ScanResult): void }>(undefined);
  apiRef.current ??= {
    get ctx() {
      return ref.current.ctx;
    },
    get step() {
      return ref.current.step;
    },
    go: (step, patch) => set({ step, ctx: { ...ref.current.ctx, ...patch } }),
    patch: (p) => set({ step: ref.current.step, ctx: { ...ref.current.ctx, ...p } }),
    say: (kind, message) => signal(kind, message),
    choose: () => undefined,
  };
  const api = apiRef.current;
  const apply = (o: Outcome<C>, at: number) => {
    if (o.verdict === 'wrong') return signal('wrong', o.message, at);
    if (o.message || o.verdict === 'action') signal(o.verdict, o.message ?? '', at);
    else signal('right', '', at);
    if (o.next || o.ctx) api.go(o.next ?? ref.current.step, o.ctx);
  };
  const run = (raw: string, reading: ScanResult, at: number) => {
    const step = def.steps[ref.current.step];
    if (!step?.scan) return;
    const o = step.scan({ raw, reading, code: codeOf(reading, raw), at }, ref.current.ctx, api);
    if (o instanceof Promise)
      o.then(
        (x) => apply(x, at),
        (e: Error) => signal('wrong', e.message, at),
      );
    else apply(o, at);
  };

  useEffect(
    () =>
      onScan((s: RawScan) => {
        if (locked.get()) return signal('wrong', t('fb.locked'), s.at);
        const r = readScan(s.raw, { gsChar: scannerSettings.get().gsChar });
        if (!r.ok) return signal('wrong', t('scan.unreadable', { detail: r.detail }), s.at);
        if (r.readings.length > 1) {
          setChoosing({ raw: s.raw, at: s.at, readings: r.readings });
          return signal('action', t('scan.choose'), s.at);
        }
        run(s.raw, r.readings[0]!, s.at);
      }),
    [],
  );

  // What the screen knows (the warehouse) joins the state, also the state restored from before a reload.
  const seedKey = JSON.stringify(seed ?? {});
  useEffect(() => {
    if (seed && Object.entries(seed).some(([k, v]) => (ref.current.ctx as Record<string, unknown>)[k] !== v)) api.patch(seed);
  }, [seedKey]);

  useEffect(() => {
    def.steps[state.step]?.enter?.(state.ctx, api);
  }, [state.step]);

  api.choosing = choosing?.readings;
  api.choose = (reading) => {
    const c = choosing!;
    setChoosing(undefined);
    run(c.raw, reading, performance.now());
  };
  return api;
}

/** A flow with no effects of its own (lookup, move): the runner and the standard view. */
export function FlowScreen<C>({ def, title, seed }: { def: FlowDef<C>; title: string; seed?: Partial<C> }) {
  return <FlowView def={def} f={useFlow(def, seed)} title={title} />;
}

/** The standard screen of a step: prompt, info, body, manual entry, reading chooser. */
export function FlowView<C>({ def, f, title }: { def: FlowDef<C>; f: ReturnType<typeof useFlow<C>>; title: string }) {
  const t = useT();
  const step = def.steps[f.step]!;
  const info = step.info?.(f.ctx, f);
  return (
    <section class="flow" data-flow={def.id} data-step={f.step}>
      <p class="flow-title">{title}</p>
      {info != null && info !== false && <div class="info">{info}</div>}
      <h1 class="prompt" data-testid="prompt">
        {step.prompt(f.ctx)}
      </h1>
      {step.body?.(f.ctx, f)}
      {step.scan && <ManualEntry />}
      {f.choosing && (
        <div class="chooser" role="dialog" aria-modal="true" aria-labelledby="chooser-title">
          <h2 id="chooser-title">{t('scan.choose')}</h2>
          {f.choosing.map((r, i) => (
            <button type="button" key={i} class="choice" onClick={() => f.choose(r)} data-testid="reading">
              <strong>{t('scan.reading', { n: i + 1 })}</strong>
              <span class="mono">{describeReading(r)}</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

/** For a label the scanner cannot read: type what is printed under the barcode, or use the camera. */
export function ManualEntry() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [v, setV] = useState('');
  const [Camera, setCamera] = useState<ComponentType<{ onClose: () => void }>>();
  if (Camera) return <Camera onClose={() => setCamera(undefined)} />;
  if (!open)
    return (
      <div class="row">
        <button type="button" class="ghost manual" onClick={() => setOpen(true)}>
          ⌨ {t('common.typeInstead')}
        </button>
        {typeof navigator !== 'undefined' && navigator.mediaDevices && (
          <button
            type="button"
            class="ghost manual"
            // Loaded on demand: the decoder (and its WASM fallback) never weighs on the picker's first screen.
            onClick={() => void import('../scan/CameraPanel').then((m) => setCamera(() => m.default))}
          >
            {t('scan.camera')}
          </button>
        )}
      </div>
    );
  return (
    <form
      class="row manual"
      onSubmit={(e) => {
        e.preventDefault();
        if (!v.trim()) return;
        emitScan({ raw: v.trim(), at: performance.now(), source: 'manual' });
        setV('');
      }}
    >
      <input
        aria-label={t('common.typeInstead')}
        autoFocus
        autoCapitalize="characters"
        value={v}
        onInput={(e) => setV((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="primary">
        {t('common.enter')}
      </button>
    </form>
  );
}

/** A big number with − and + for thumbs; typing a number works too. */
export function QtyPicker({
  value,
  min = 0,
  max,
  onChange,
  label,
}: {
  value: number;
  min?: number;
  max?: number;
  onChange: (n: number) => void;
  label: string;
}) {
  const clamp = (n: number) => Math.max(min, max === undefined ? n : Math.min(max, n));
  return (
    <div class="qty" role="group" aria-label={label}>
      <button type="button" aria-label="−1" onClick={() => onChange(clamp(value - 1))}>
        −
      </button>
      <input
        type="number"
        inputMode="numeric"
        aria-label={label}
        data-testid="qty"
        value={value}
        min={min}
        max={max}
        onInput={(e) => {
          const n = Number((e.target as HTMLInputElement).value);
          if (Number.isFinite(n)) onChange(clamp(Math.trunc(n)));
        }}
      />
      <button type="button" aria-label="+1" onClick={() => onChange(clamp(value + 1))}>
        +
      </button>
    </div>
  );
}
