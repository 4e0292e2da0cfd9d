import { io, type Socket } from 'socket.io-client';
import { SequenceBuffer } from '../../domain/events/sequence-buffer';

export interface LiveEvent {
  id: string;
  seq: number;
  warehouseId: string;
  type: string;
  payload: unknown;
  occurredAt: string;
}
export type ConnectionState = 'connecting' | 'live' | 'catching-up' | 'offline' | 'expired';

const seqKey = (wid: string) => `dockside.lastSeq.${wid}`;

/**
 * Subscribes to a warehouse's event stream. Remembers the last seq seen so a reconnect (Wi-Fi dead
 * spot, reload) replays what was missed, and releases events exactly once, in seq order.
 */
export function connectLive(opts: {
  token: () => string;
  warehouseId: string;
  onEvent: (e: LiveEvent) => void;
  onState: (s: ConnectionState) => void;
}): { socket: Socket; close: () => void } {
  const last = Number(localStorage.getItem(seqKey(opts.warehouseId)) ?? 0);
  const buffer = new SequenceBuffer<LiveEvent>(last, (e) => {
    localStorage.setItem(seqKey(opts.warehouseId), String(e.seq));
    opts.onEvent(e);
  });
  const socket = io({ auth: (cb) => cb({ token: opts.token() }), transports: ['websocket'] });
  current = socket;
  opts.onState('connecting');
  socket.on('connect', async () => {
    opts.onState('catching-up');
    await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { rooms: [`warehouse:${opts.warehouseId}`], lastSeq: { [opts.warehouseId]: buffer.lastSeq } })
      .catch(() => undefined);
    opts.onState('live');
  });
  socket.on('event', (e: LiveEvent) => buffer.push(e));
  // Telemetry (vehicle positions) has no seq and is never replayed: straight to the screens.
  // Several pings of one turn on the server come as one array (see api/socket/telemetry.ts).
  socket.on('telemetry', (m: TelemetryMessage | TelemetryMessage[]) => {
    for (const e of Array.isArray(m) ? m : [m]) for (const fn of telemetryListeners) fn(e);
  });
  socket.on('disconnect', () => opts.onState('offline'));
  socket.on('auth_expired', () => opts.onState('expired'));
  socket.on('connect_error', () => opts.onState('offline'));
  // Out of a dead spot the device says so at once; the socket's own backoff could keep the screen "Offline" for
  // seconds after the queued scans have already gone through. Reconnect now instead of at the next backoff step.
  const reconnectNow = () => {
    if (socket.connected) return;
    socket.disconnect();
    socket.connect();
  };
  window.addEventListener('online', reconnectNow);
  return {
    socket,
    close: () => {
      if (current === socket) current = undefined;
      window.removeEventListener('online', reconnectNow);
      socket.close();
    },
  };
}

let current: Socket | undefined;

/**
 * Sends a message over the shell's live socket and waits for its ack; undefined when the socket is
 * not connected or the ack does not come in time (the caller falls back to HTTP and the offline queue).
 */
export async function sendLive<T>(event: string, message: unknown, timeoutMs = 10_000): Promise<T | undefined> {
  const s = current;
  if (!s?.connected) return undefined;
  return (s.timeout(timeoutMs).emitWithAck(event, message) as Promise<T>).catch(() => undefined);
}

/** A live message that is not a domain event (a driver's position): no seq, not replayed after a reconnect. */
export interface TelemetryMessage {
  type: string;
  warehouseId: string;
  payload: unknown;
  occurredAt: string;
}
type TelemetryListener = (e: TelemetryMessage) => void;
const telemetryListeners = new Set<TelemetryListener>();
/** Screens listen to telemetry (the dispatch board moves vehicles with it). */
export function onTelemetry(fn: TelemetryListener): () => void {
  telemetryListeners.add(fn);
  return () => telemetryListeners.delete(fn);
}

type EventListener = (e: LiveEvent) => void;
const eventListeners = new Set<EventListener>();
/** Screens listen to the warehouse's events (task reassigned, cancelled…) through the shell's one socket. */
export function onLiveEvent(fn: EventListener): () => void {
  eventListeners.add(fn);
  return () => eventListeners.delete(fn);
}
export function dispatchLiveEvent(e: LiveEvent): void {
  for (const fn of eventListeners) fn(e);
}
