import { io, type Socket } from 'socket.io-client';

export interface FeedEvent {
  seq: number;
  type: string;
  payload: any;
  occurredAt: string;
}

/**
 * The board's live feed: the warehouse room without replay (the board re-reads its state on every
 * (re)connect instead, so a long history of pings is never replayed).
 */
export function connectFeed(opts: {
  token: () => string;
  rooms: string[];
  onEvent: (e: FeedEvent) => void;
  onConnected: () => void;
  onState: (s: 'connecting' | 'live' | 'offline') => void;
}): Socket {
  const socket = io({ auth: (cb) => cb({ token: opts.token() }), transports: ['websocket'] });
  opts.onState('connecting');
  socket.on('connect', async () => {
    await socket
      .timeout(10_000)
      .emitWithAck('subscribe', { rooms: opts.rooms })
      .catch(() => undefined);
    opts.onState('live');
    opts.onConnected();
  });
  socket.on('event', opts.onEvent);
  socket.on('disconnect', () => opts.onState('offline'));
  socket.on('connect_error', () => opts.onState('offline'));
  return socket;
}
