import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n';
import { startCamera } from './camera';
import { emitScan } from './wedge';

/** The camera as a scanner: what it decodes goes through the same path as a wedge scan. */
export default function CameraPanel({ onClose }: { onClose: () => void }) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stop: (() => void) | undefined;
    startCamera(video.current!, (d) => emitScan({ raw: d.raw, at: performance.now(), source: 'camera' })).then(
      (s) => (stop = s),
      () => setError(t('scan.cameraUnavailable')),
    );
    return () => stop?.();
  }, []);
  return (
    <div class="camera">
      {error ? <p class="error">{error}</p> : <video ref={video} muted playsInline aria-label={t('scan.camera')} />}
      <button type="button" onClick={onClose}>
        {t('scan.cameraStop')}
      </button>
    </div>
  );
}
