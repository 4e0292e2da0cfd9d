import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { enqueue, onResult, pending } from '../offline/queue';
import { sendLive } from '../live';
import { hhmm, windowText } from '../dispatch/format';
import type { PositionAck } from '../../../domain/dispatch/live.schemas';
import { session } from '../session';
import type { ScreenProps } from '../shell/areas';
import { useStore } from '../store';
import { photoDataUrl, SignaturePad } from './proof-capture';
import './driver.css';

interface Stop {
  id: string;
  seq: number;
  shipmentId: string;
  status: 'planned' | 'dispatched' | 'delivered' | 'failed';
  lat: number;
  lng: number;
  etaS: number;
  windowStartS: number | null;
  windowEndS: number | null;
  customer?: string | null;
  address?: string | null;
  trackingNumber?: string | null;
  arrivedAt?: string | null;
}
interface Route {
  id: string;
  planId: string;
  vehicleId: string;
  vehicleCode: string;
  status: string;
  stops: Stop[];
}
type Requirement = 'required' | 'optional' | 'off';
type Policy = Record<'photo' | 'signature' | 'recipientName' | 'notes', Requirement>;

const REASONS: [string, string][] = [
  ['not_home', 'Nobody home'],
  ['refused', 'Refused'],
  ['address_not_found', 'Address not found'],
  ['access_denied', 'No access'],
  ['damaged', 'Parcel damaged'],
  ['unsafe_location', 'Unsafe to leave'],
  ['out_of_time', 'Out of time'],
  ['vehicle_issue', 'Vehicle problem'],
  ['other', 'Other'],
];

/** Ping interval in seconds: `dockside.driver.pingS` in localStorage (tests, demos), else 15 s. */
const pingEveryS = () => Number(localStorage.getItem('dockside.driver.pingS')) || 15;

/**
 * The driver's phone app: today's route stop by stop, outcomes with proof, pings while on duty.
 * Commands go through the console's offline queue (IndexedDB, Idempotency-Key per command, replayed
 * in order), so a dead spot delays them without losing or doubling any.
 */
export default function DriverApp({ warehouseId }: ScreenProps) {
  const [route, setRoute] = useState<Route>();
  const [error, setError] = useState('');
  const [onDuty, setOnDuty] = useState(localStorage.getItem('dockside.driver.onDuty') === '1');
  const queued = useStore(pending).length;
  const [sheet, setSheet] = useState<'deliver' | 'fail'>();
  const [lastFix, setLastFix] = useState<GeolocationCoordinates>();
  const [policy, setPolicy] = useState<Policy>({ photo: 'optional', signature: 'optional', recipientName: 'optional', notes: 'optional' });

  const load = useCallback(async () => {
    try {
      const body = await api<{ items: Route[] }>('GET', `/my/routes?deliveryDate=${new Date().toISOString().slice(0, 10)}`);
      setRoute(body.items.find((r) => r.status === 'dispatched') ?? body.items[0]);
    } catch {
      /* offline: keep what we have */
    }
  }, []);

  useEffect(() => {
    void load();
    if (warehouseId)
      api<Policy>('GET', `/warehouses/${warehouseId}/pod-policies/standard`)
        .then(setPolicy)
        .catch(() => undefined);
    // A refused command (stop already closed elsewhere, proof missing) is shown; the route is re-read.
    return onResult((cmd, result) => {
      if (cmd.group !== 'driver') return;
      if (cmd.status === 'conflict') setError(cmd.problem?.detail ?? 'The server refused this');
      if (result !== undefined || cmd.status === 'conflict') void load();
    });
  }, [warehouseId]);

  const userId = session.get()?.user.id ?? '';
  const command = async (method: 'POST', path: string, body: unknown, label: string) => {
    setError('');
    await enqueue({ method, path, body, label, group: 'driver', userId });
  };

  // Position pings every N seconds while on duty (queued offline too, with the fix's own time).
  useEffect(() => {
    localStorage.setItem('dockside.driver.onDuty', onDuty ? '1' : '0');
    if (!onDuty || !route) return;
    const ping = () =>
      navigator.geolocation?.getCurrentPosition(
        (p) => {
          setLastFix(p.coords);
          const body = {
            lat: p.coords.latitude,
            lng: p.coords.longitude,
            ...(p.coords.accuracy != null ? { accuracyM: Math.min(100_000, p.coords.accuracy) } : {}),
            ...(p.coords.speed != null && p.coords.speed >= 0 ? { speedMps: Math.min(100, p.coords.speed) } : {}),
            recordedAt: new Date(p.timestamp).toISOString(),
          };
          // Over the live socket while it is up (no HTTP request per ping); else, or unanswered, through the offline queue.
          void sendLive<PositionAck>('position', { vehicleId: route.vehicleId, ...body }).then((ack) => {
            if (ack?.ok) return;
            if (ack && ack.status < 500) return setError(ack.detail);
            void enqueue({
              method: 'POST',
              path: `/vehicles/${route.vehicleId}/positions`,
              body,
              label: 'Position',
              group: 'driver-ping',
              userId,
            });
          });
        },
        () => setError('Location unavailable: allow location for this app to share your position'),
        { enableHighAccuracy: true, maximumAge: 5000, timeout: 10_000 },
      );
    ping();
    const i = setInterval(ping, pingEveryS() * 1000);
    return () => clearInterval(i);
  }, [onDuty, route?.vehicleId]);

  const startDuty = async () => {
    setOnDuty(true);
    if (route && route.status === 'dispatched') await command('POST', `/routes/${route.id}/start`, {}, `Start route ${route.vehicleCode}`);
  };

  const open = route?.stops.filter((s) => s.status === 'dispatched' || s.status === 'planned') ?? [];
  const current = open[0];
  const done = (route?.stops.length ?? 0) - open.length;
  const mark = (id: string, patch: Partial<Stop>) =>
    setRoute((r) => r && { ...r, stops: r.stops.map((s) => (s.id === id ? { ...s, ...patch } : s)) });
  const here = () => (lastFix ? { lat: lastFix.latitude, lng: lastFix.longitude } : {});

  return (
    <main class="driver" data-testid="driver-app">
      <header class="driver-head">
        <strong>{route ? `Route ${route.vehicleCode}` : 'Driver'}</strong>
        <span>
          {done}/{route?.stops.length ?? 0} done
        </span>
        {queued > 0 && (
          <span class="queued" data-testid="queued">
            {queued} waiting for signal
          </span>
        )}
        <button
          type="button"
          class={onDuty ? 'duty on' : 'duty'}
          onClick={() => (onDuty ? setOnDuty(false) : startDuty())}
          data-testid="duty"
        >
          {onDuty ? 'On duty' : 'Start duty'}
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!route && <p class="empty">No route for you today.</p>}
      {route && !current && <p class="empty">All stops done. Drive back to the depot.</p>}
      {current && !sheet && (
        <section class="current" data-testid="current-stop" data-stop={current.id}>
          <div class="stop-no">Stop {current.seq}</div>
          <h2>{current.customer ?? current.trackingNumber ?? 'Delivery'}</h2>
          {current.address && <p class="address">{current.address}</p>}
          <p>
            Window {windowText(current.windowStartS, current.windowEndS)} · planned {hhmm(current.etaS)}
          </p>
          <a
            class="nav-link"
            href={`https://www.google.com/maps/dir/?api=1&destination=${current.lat},${current.lng}`}
            target="_blank"
            rel="noopener"
          >
            Navigate ↗
          </a>
          <div class="actions">
            {!current.arrivedAt && (
              <button
                type="button"
                onClick={async () => (
                  await command('POST', `/stops/${current.id}/arrive`, here(), `Arrived at stop ${current.seq}`),
                  mark(current.id, { arrivedAt: new Date().toISOString() })
                )}
              >
                Arrived
              </button>
            )}
            <button type="button" class="primary" onClick={() => setSheet('deliver')}>
              Delivered
            </button>
            <button type="button" class="bad" onClick={() => setSheet('fail')}>
              Failed
            </button>
          </div>
        </section>
      )}
      {current && sheet === 'deliver' && (
        <DeliverSheet
          policy={policy}
          onCancel={() => setSheet(undefined)}
          onSubmit={async (proof) => {
            await command(
              'POST',
              `/stops/${current.id}/deliver`,
              { proof: { ...proof, ...here(), capturedAt: new Date().toISOString() } },
              `Delivered stop ${current.seq}`,
            );
            mark(current.id, { status: 'delivered' });
            setSheet(undefined);
          }}
        />
      )}
      {current && sheet === 'fail' && (
        <FailSheet
          onCancel={() => setSheet(undefined)}
          onSubmit={async (reasonCode, note) => {
            await command(
              'POST',
              `/stops/${current.id}/fail`,
              { reasonCode, ...(note ? { reason: note } : {}), proof: { ...here(), ...(note ? { notes: note } : {}) } },
              `Failed stop ${current.seq}`,
            );
            mark(current.id, { status: 'failed' });
            setSheet(undefined);
          }}
        />
      )}
      {route && open.length > 1 && !sheet && (
        <ol class="upcoming">
          {open.slice(1).map((s) => (
            <li key={s.id}>
              <span class="seq">{s.seq}</span> {s.customer ?? s.trackingNumber ?? s.shipmentId.slice(0, 8)}
              <span class="when">{hhmm(s.etaS)}</span>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}

function DeliverSheet(props: { policy: Policy; onCancel: () => void; onSubmit: (p: Record<string, string>) => Promise<void> }) {
  const [photo, setPhoto] = useState<string>();
  const [signature, setSignature] = useState<string>();
  const [name, setName] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const p = props.policy;
  const tag = (r: Requirement) => (r === 'required' ? ' (required)' : ' (optional)');
  const missing =
    (p.photo === 'required' && !photo) ||
    (p.signature === 'required' && !signature) ||
    (p.recipientName === 'required' && !name.trim()) ||
    (p.notes === 'required' && !notes.trim());
  return (
    <section class="sheet" data-testid="deliver-sheet">
      <h2>Proof of delivery</h2>
      {p.photo !== 'off' && (
        <label>
          Photo{tag(p.photo)}
          <input
            type="file"
            accept="image/*"
            capture="environment"
            onChange={async (e) => {
              const f = (e.target as HTMLInputElement).files?.[0];
              if (f) setPhoto(await photoDataUrl(f));
            }}
          />
          {photo && <img src={photo} alt="Photo taken" class="thumb" />}
        </label>
      )}
      {p.signature !== 'off' && (
        <div class="field">
          Signature{tag(p.signature)}
          <SignaturePad onChange={setSignature} />
        </div>
      )}
      {p.recipientName !== 'off' && (
        <label>
          Received by{tag(p.recipientName)}
          <input name="recipientName" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </label>
      )}
      {p.notes !== 'off' && (
        <label>
          Notes{tag(p.notes)}
          <input name="notes" value={notes} onInput={(e) => setNotes((e.target as HTMLInputElement).value)} />
        </label>
      )}
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Back
        </button>
        <button
          type="button"
          class="primary"
          disabled={missing || busy}
          onClick={async () => {
            setBusy(true);
            await props
              .onSubmit({
                ...(photo ? { photo } : {}),
                ...(signature ? { signature } : {}),
                ...(name.trim() ? { recipientName: name.trim() } : {}),
                ...(notes.trim() ? { notes: notes.trim() } : {}),
              })
              .catch(() => undefined);
            setBusy(false);
          }}
        >
          Confirm delivered
        </button>
      </div>
    </section>
  );
}

function FailSheet(props: { onCancel: () => void; onSubmit: (code: string, note: string) => Promise<void> }) {
  const [code, setCode] = useState('');
  const [note, setNote] = useState('');
  return (
    <section class="sheet" data-testid="fail-sheet">
      <h2>Why could it not be delivered?</h2>
      <div class="reasons">
        {REASONS.map(([c, label]) => (
          <button type="button" key={c} class={code === c ? 'chosen' : ''} aria-pressed={code === c} onClick={() => setCode(c)}>
            {label}
          </button>
        ))}
      </div>
      <label>
        Note
        <input name="note" value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </label>
      <p class="muted">The parcel comes back to the depot; the warehouse expects it.</p>
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          Back
        </button>
        <button type="button" class="bad" disabled={!code} onClick={() => props.onSubmit(code, note.trim()).catch(() => undefined)}>
          Confirm failed
        </button>
      </div>
    </section>
  );
}
