// Camera scanning: frames go to a worker at most every FRAME_MS and only when it is idle (throttled),
// so decoding never competes with the page for the main thread.
const FRAME_MS = 150;

export interface Decoded {
  raw: string;
  format: string;
}

let worker: Worker | undefined;
let seq = 0;
let warned = false;
const waiting = new Map<number, (codes: Decoded[]) => void>();

function decoder(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./camera.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<{ id: number; codes: Decoded[]; error?: string }>) => {
      // A decoder that cannot start (no WASM, no detector) says so once, instead of seeing nothing forever.
      if (e.data.error && !warned) {
        warned = true;
        console.warn(`camera decoder: ${e.data.error}`);
      }
      waiting.get(e.data.id)?.(e.data.codes);
      waiting.delete(e.data.id);
    };
  }
  return worker;
}

/** Decodes one image in the worker (the bitmap is transferred, not copied). */
export function decode(frame: ImageBitmap): Promise<Decoded[]> {
  const id = ++seq;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    decoder().postMessage({ id, frame }, [frame]);
  });
}

/** Streams the rear camera into `video` and calls onCode for each new code seen; returns stop(). */
export async function startCamera(video: HTMLVideoElement, onCode: (d: Decoded) => void): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  let busy = false;
  let last = '';
  const timer = setInterval(async () => {
    if (busy || video.readyState < 2) return; // drop frames while the worker is still on the last one
    busy = true;
    try {
      const codes = await decode(await createImageBitmap(video));
      const c = codes[0];
      if (c && c.raw !== last) {
        last = c.raw;
        onCode(c);
      }
      if (!c) last = '';
    } finally {
      busy = false;
    }
  }, FRAME_MS);
  return () => {
    clearInterval(timer);
    for (const t of stream.getTracks()) t.stop();
    video.srcObject = null;
  };
}
