import { useEffect, useRef, useState } from 'preact/hooks';
import { connectLive, type ConnectionState, type LiveEvent } from './live';
import { badgeLogin, listWarehouses, loadSession, login, postNote, refresh, saveSession, type Session, type Warehouse } from './session';

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession());
  const update = (s: Session | undefined) => {
    saveSession(s);
    setSession(s);
  };
  return session ? <LiveBoard session={session} onSession={update} /> : <Login onSession={update} />;
}

function Login({ onSession }: { onSession: (s: Session) => void }) {
  const [mode, setMode] = useState<'password' | 'badge'>('password');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSession(mode === 'password' ? await login(a.trim(), b) : await badgeLogin(a.trim(), b));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>Dockside</h1>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={mode === 'password'} onClick={() => setMode('password')}>
          Password
        </button>
        <button type="button" role="tab" aria-selected={mode === 'badge'} onClick={() => setMode('badge')}>
          Badge
        </button>
      </div>
      <form onSubmit={submit}>
        <label>
          {mode === 'password' ? 'Username' : 'Scan your badge'}
          <input name="username" autoFocus autoComplete="username" value={a} onInput={(e) => setA((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {mode === 'password' ? 'Password' : 'PIN'}
          <input
            name="password"
            type="password"
            inputMode={mode === 'badge' ? 'numeric' : undefined}
            autoComplete="current-password"
            value={b}
            onInput={(e) => setB((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  'catching-up': 'Catching up…',
  live: 'Live',
  offline: 'Offline — reconnecting',
  expired: 'Session expired',
};

function describe(e: LiveEvent): string {
  const p = e.payload as Record<string, unknown>;
  if (e.type === 'warehouse.note.posted') return `${p.by}: ${p.text}`;
  return Object.entries(p ?? {})
    .slice(0, 4)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

function LiveBoard({ session, onSession }: { session: Session; onSession: (s: Session | undefined) => void }) {
  const [warehouses, setWarehouses] = useState<Warehouse[]>([]);
  const [warehouseId, setWarehouseId] = useState<string>('');
  const [state, setState] = useState<ConnectionState>('connecting');
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [note, setNote] = useState('');
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const canPost = session.user.roles.some((r) => r === 'admin' || r === 'supervisor' || r === 'dispatcher');

  useEffect(() => {
    listWarehouses(session)
      .then((ws) => {
        setWarehouses(ws);
        setWarehouseId((cur) => cur || ws[0]?.id || '');
      })
      .catch(() => onSession(undefined));
  }, []);

  // Refresh the access token a minute before it expires and hand it to the live socket.
  useEffect(() => {
    const ms = Math.max(5_000, session.expiresAt - Date.now() - 60_000);
    const t = setTimeout(async () => {
      try {
        onSession(await refresh(sessionRef.current));
      } catch {
        onSession(undefined);
      }
    }, ms);
    return () => clearTimeout(t);
  }, [session.expiresAt]);

  const liveRef = useRef<ReturnType<typeof connectLive>>();
  useEffect(() => {
    if (!warehouseId) return;
    setEvents([]);
    const live = (liveRef.current = connectLive({
      token: () => sessionRef.current.accessToken,
      warehouseId,
      onEvent: (e) => setEvents((prev) => [e, ...prev].slice(0, 200)),
      onState: setState,
    }));
    return live.close;
  }, [warehouseId]);

  useEffect(() => {
    // Tokens rotate; hand the new one to the socket so it is not cut at the old expiry.
    liveRef.current?.socket.emit('reauth', { token: session.accessToken });
  }, [session.accessToken]);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!note.trim()) return;
    await postNote(session, warehouseId, note.trim());
    setNote('');
  };

  return (
    <main class="board">
      <header>
        <strong>Dockside</strong>
        <select aria-label="Warehouse" value={warehouseId} onChange={(e) => setWarehouseId((e.target as HTMLInputElement).value)}>
          {warehouses.map((w) => (
            <option value={w.id} key={w.id}>
              {w.code} · {w.name}
            </option>
          ))}
        </select>
        <span class={`conn conn-${state}`} data-testid="connection-state">
          {STATE_LABEL[state]}
        </span>
        <span class="who">
          {session.user.displayName} ({session.user.roles.join(', ')})
        </span>
        <button type="button" onClick={() => onSession(undefined)}>
          Sign out
        </button>
      </header>
      {canPost && (
        <form class="note" onSubmit={send}>
          <input
            aria-label="Note to the floor"
            placeholder="Note to everyone on the floor…"
            value={note}
            onInput={(e) => setNote((e.target as HTMLInputElement).value)}
            maxLength={500}
          />
          <button class="primary" type="submit">
            Post
          </button>
        </form>
      )}
      <h2>Live events</h2>
      {events.length === 0 ? (
        <p class="empty">Waiting for activity in this warehouse…</p>
      ) : (
        <ol class="feed" data-testid="event-feed">
          {events.map((e) => (
            <li key={e.seq}>
              <span class="seq">#{e.seq}</span>
              <span class="type">{e.type}</span>
              <span class="what">{describe(e)}</span>
              <time>{new Date(e.occurredAt).toLocaleTimeString()}</time>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
