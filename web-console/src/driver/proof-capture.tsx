import { useEffect, useRef } from 'preact/hooks';

/** A finger signature pad; reports a PNG data URL after each stroke (or undefined when cleared). */
export function SignaturePad(props: { onChange: (dataUrl: string | undefined) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = canvas.current!;
    const ctx = c.getContext('2d')!;
    c.width = c.clientWidth * devicePixelRatio;
    c.height = c.clientHeight * devicePixelRatio;
    ctx.scale(devicePixelRatio, devicePixelRatio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#102a3a';
    let down = false;
    const at = (e: PointerEvent) => {
      const r = c.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top] as const;
    };
    const start = (e: PointerEvent) => {
      down = true;
      c.setPointerCapture(e.pointerId);
      ctx.beginPath();
      ctx.moveTo(...at(e));
    };
    const move = (e: PointerEvent) => {
      if (!down) return;
      ctx.lineTo(...at(e));
      ctx.stroke();
    };
    const end = () => {
      if (!down) return;
      down = false;
      props.onChange(c.toDataURL('image/png'));
    };
    c.addEventListener('pointerdown', start);
    c.addEventListener('pointermove', move);
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    return () => {
      c.removeEventListener('pointerdown', start);
      c.removeEventListener('pointermove', move);
      c.removeEventListener('pointerup', end);
      c.removeEventListener('pointercancel', end);
    };
  }, []);
  const clear = () => {
    const c = canvas.current!;
    c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    props.onChange(undefined);
  };
  return (
    <div class="signature-pad">
      <canvas ref={canvas} data-testid="signature-pad" aria-label="Signature pad" />
      <button type="button" class="link" onClick={clear}>
        Clear
      </button>
    </div>
  );
}

/** Reads a camera photo and scales it to at most 1024 px as a JPEG data URL (keeps queued proofs small). */
export async function photoDataUrl(file: File, maxPx = 1024): Promise<string> {
  const img = await createImageBitmap(file);
  const k = Math.min(1, maxPx / Math.max(img.width, img.height));
  const c = document.createElement('canvas');
  c.width = Math.round(img.width * k);
  c.height = Math.round(img.height * k);
  c.getContext('2d')!.drawImage(img, 0, 0, c.width, c.height);
  return c.toDataURL('image/jpeg', 0.7);
}
