import { useEffect, useState } from 'preact/hooks';
import { windowText } from './format';
import './dispatch.css';

interface Tracking {
  status: string;
  trackingNumber: string | null;
  windowStartS: number | null;
  windowEndS: number | null;
  etaAt: string | null;
  stopsBefore: number | null;
  completedAt: string | null;
  failureCode: string | null;
}

const WORDS: Record<string, string> = {
  planned: 'Scheduled for delivery',
  dispatched: 'Out for delivery',
  delivered: 'Delivered',
  failed: 'We could not deliver your parcel',
};

/** The customer's tracking page (no sign-in: the link's token is the key). Refreshes every 30 s. */
export function TrackPage(props: { token: string }) {
  const [t, setT] = useState<Tracking>();
  const [error, setError] = useState('');
  useEffect(() => {
    const load = () =>
      fetch(`/v1/track/${encodeURIComponent(props.token)}`)
        .then((r) => (r.ok ? (r.json() as Promise<Tracking>) : Promise.reject(new Error(`${r.status}`))))
        .then(setT)
        .catch((e) => setError((e as Error).message));
    void load();
    const i = setInterval(load, 30_000);
    return () => clearInterval(i);
  }, [props.token]);
  const at = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');
  return (
    <main class="track" data-testid="tracking-page">
      <h1>Your delivery</h1>
      {error && <p class="error">This tracking link is not valid.</p>}
      {t && (
        <>
          <p class="track-status">{WORDS[t.status] ?? t.status}</p>
          {t.trackingNumber && <p class="muted">Tracking number {t.trackingNumber}</p>}
          <p>Delivery window: {windowText(t.windowStartS, t.windowEndS)}</p>
          {t.etaAt && (
            <p>
              Expected at <strong>{at(t.etaAt)}</strong>
              {t.stopsBefore != null && t.stopsBefore > 0 && <> · {t.stopsBefore} stops before yours</>}
            </p>
          )}
          {t.completedAt && <p>{t.status === 'delivered' ? `Delivered at ${at(t.completedAt)}` : `Attempted at ${at(t.completedAt)}`}</p>}
          {t.failureCode && (
            <p class="muted">Reason: {t.failureCode.replace(/_/g, ' ')}. The parcel returns to our warehouse; we will contact you.</p>
          )}
        </>
      )}
    </main>
  );
}
