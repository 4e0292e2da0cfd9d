import { useEffect, useState } from 'preact/hooks';
import { api, ApiProblem, type Board, type LiveRoute, type LiveStop } from './api';
import { hhmm, windowText } from './format';

interface Proof {
  id: string;
  outcome: string;
  photo: string | null;
  signature: string | null;
  recipientName: string | null;
  notes: string | null;
  distanceM: number | null;
  capturedAt: string;
}

const time = (iso: string | null) =>
  iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }) : null;

/** A clicked stop: its order, timeline, proof of delivery, and a manual move with its check shown before committing. */
export function StopPanel(props: { board: Board; route: LiveRoute; stop: LiveStop; onChanged: () => void; onClose: () => void }) {
  const { board, route, stop } = props;
  const [proofs, setProofs] = useState<Proof[]>([]);
  useEffect(() => {
    setProofs([]);
    if (stop.status === 'delivered' || stop.status === 'failed')
      api<{ items: Proof[] }>('GET', `/v1/stops/${stop.id}/proofs`)
        .then((r) => setProofs(r.items))
        .catch(() => setProofs([]));
  }, [stop.id, stop.status]);

  const timeline: [string, string | null][] = [
    ['Planned ETA', hhmm(stop.plannedEtaS)],
    ['Live ETA', stop.etaS != null ? hhmm(stop.etaS) : null],
    ['Route started', time(route.startedAt)],
    ['Arrived', time(stop.arrivedAt)],
    [stop.status === 'failed' ? 'Failed' : 'Delivered', time(stop.completedAt)],
  ];
  return (
    <aside class="panel stop-panel" data-testid="stop-panel">
      <header>
        <h3>
          {route.vehicleCode} · stop {stop.seq}
        </h3>
        <button type="button" class="link" onClick={props.onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <dl class="facts">
        <dt>Customer</dt>
        <dd>{stop.customer ?? '–'}</dd>
        <dt>Shipment</dt>
        <dd class="mono">{stop.trackingNumber ?? stop.shipmentId}</dd>
        <dt>Order</dt>
        <dd class="mono">{stop.orderId ?? '–'}</dd>
        <dt>Window</dt>
        <dd>{windowText(stop.windowStartS, stop.windowEndS)}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`pill st-${stop.status}`} data-testid="stop-status">
            {stop.status}
          </span>
          {stop.failureCode && <span class="muted"> {stop.failureCode}</span>}
        </dd>
      </dl>
      <h4>Timeline</h4>
      <ol class="timeline">
        {timeline
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <li key={k}>
              <span>{k}</span>
              <time>{v}</time>
            </li>
          ))}
      </ol>
      {proofs.length > 0 && (
        <>
          <h4>Proof of delivery</h4>
          {proofs.map((p) => (
            <div class="proof" key={p.id} data-testid="proof">
              <div class="proof-media">
                {p.photo && <img src={p.photo} alt="Delivery photo" />}
                {p.signature && <img src={p.signature} alt="Signature" class="signature" />}
              </div>
              <p>
                {p.recipientName && (
                  <>
                    Received by <strong>{p.recipientName}</strong>.{' '}
                  </>
                )}
                {p.notes}
              </p>
              <p class="muted">
                Captured {time(p.capturedAt)}
                {p.distanceM != null && <> · {Math.round(p.distanceM)} m from the stop</>}
              </p>
            </div>
          ))}
        </>
      )}
      {stop.status === 'planned' && board.planId && <MoveStop {...props} />}
    </aside>
  );
}

interface MoveResult {
  costDelta: number;
  costBefore: number;
  costAfter: number;
  from: { routeId: string; endS: number };
  to: { routeId: string; endS: number };
}

/** Move-stop with the engine's feasibility and cost check previewed (dryRun) before the commit. */
function MoveStop(props: { board: Board; route: LiveRoute; stop: LiveStop; onChanged: () => void }) {
  const targets = props.board.routes.filter((r) => r.status === 'planned' || r.status === 'dispatched');
  const [to, setTo] = useState(targets.find((r) => r.id !== props.route.id)?.id ?? props.route.id);
  const [pos, setPos] = useState(1);
  const [preview, setPreview] = useState<MoveResult | { error: string; violations?: { constraint: string; detail: string }[] }>();
  const body = (dryRun: boolean) => ({ stopId: props.stop.id, toRouteId: to, position: pos, dryRun });
  const run = async (dryRun: boolean) => {
    try {
      const r = await api<MoveResult>('POST', `/v1/route-plans/${props.board.planId}/move-stop`, body(dryRun));
      if (dryRun) setPreview(r);
      else {
        setPreview(undefined);
        props.onChanged();
      }
    } catch (e) {
      // A refused move lists every rule it breaks (capacity, windows, shift end…), not only the first.
      const violations = e instanceof ApiProblem ? (e.body.violations as { constraint: string; detail: string }[] | undefined) : undefined;
      setPreview({ error: e instanceof ApiProblem ? e.detail : (e as Error).message, ...(violations ? { violations } : {}) });
    }
  };
  const code = (id: string) => props.board.routes.find((r) => r.id === id)?.vehicleCode ?? id.slice(0, 6);
  return (
    <div class="move-stop">
      <h4>Move this stop</h4>
      <div class="row">
        <select
          aria-label="Target route"
          value={to}
          onChange={(e) => (setTo((e.target as HTMLSelectElement).value), setPreview(undefined))}
        >
          {targets.map((r) => (
            <option key={r.id} value={r.id}>
              {r.vehicleCode} ({r.stops.length} stops)
            </option>
          ))}
        </select>
        <input
          type="number"
          min={1}
          aria-label="Position"
          value={pos}
          onInput={(e) => (setPos(Number((e.target as HTMLInputElement).value)), setPreview(undefined))}
        />
        <button type="button" onClick={() => run(true)}>
          Check
        </button>
      </div>
      {preview && 'error' in preview && (
        <div class="check-result bad" role="alert">
          <strong>Not feasible:</strong> {preview.error}
          {preview.violations && (
            <ul>
              {preview.violations.map((v, i) => (
                <li key={i}>{v.detail}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {preview && !('error' in preview) && (
        <div class="check-result ok" data-testid="move-preview">
          Feasible. Cost {preview.costDelta >= 0 ? '+' : ''}
          {(preview.costDelta / 100).toFixed(2)}; {code(preview.from.routeId)} ends {hhmm(preview.from.endS)}, {code(preview.to.routeId)}{' '}
          ends {hhmm(preview.to.endS)}.
          <button type="button" class="primary" onClick={() => run(false)}>
            Commit move
          </button>
        </div>
      )}
    </div>
  );
}
