import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { acknowledge, feedback, locked, signal } from '../feedback';
import { loadUserLocale, locale, setLocale, t, useT } from '../i18n';
import { connectLive, dispatchLiveEvent, type ConnectionState } from '../live';
import { conflicts, dismissConflict, online, pending } from '../offline/queue';
import { device, logout, refreshNow, session, type Session } from '../session';
import { createStore, useStore } from '../store';
import { match, screensFor, type AreaScreen, type ScreenProps } from './areas';
import { DeviceSetup, LanguagePicker, Login } from './Login';
import { navigate, route } from './router';
import { TrackPage } from '../dispatch/track-page';

export const connection = createStore<ConnectionState>('connecting');
export const warehouse = createStore<string>('');

// A lock or banner belongs to the worker who caused it, not to the next one on the device.
let lastUser = session.get()?.user.id;
session.subscribe((s) => {
  if (s?.user.id !== lastUser) acknowledge();
  lastUser = s?.user.id;
});

export function Shell() {
  const s = useStore(session);
  const dev = useStore(device);
  const path = useStore(route);
  useStore(locale);
  // A customer's tracking link (#/track/<token>) needs no device and no sign-in.
  if (path.startsWith('track/')) return <TrackPage token={path.slice('track/'.length)} />;
  if (!dev) return <DeviceSetup />;
  if (!s) return <Login />;
  return <SignedIn s={s} key={s.user.id} />;
}

function SignedIn({ s }: { s: Session }) {
  const wid = useStore(warehouse);
  const path = useStore(route);
  const sessionRef = useRef(s);
  sessionRef.current = s;

  useEffect(() => {
    // The user's language comes with the sign-in (stored on the server); a user who never chose one keeps the
    // device's and it is stored for them, so the next handheld they pick up speaks it too.
    if (s.user.locale) setLocale(s.user.locale, s.user.id);
    else {
      loadUserLocale(s.user.id);
      void api('PUT', '/me/locale', { locale: locale.get() }).catch(() => undefined);
    }
    const dev = device.get();
    const wh = dev?.warehouseId && s.user.warehouseIds.includes(dev.warehouseId) ? dev.warehouseId : s.user.warehouseIds[0];
    if (wh) warehouse.set(wh);
    else
      api<{ items: { id: string }[] }>('GET', '/warehouses')
        .then((r) => warehouse.set(r.items[0]?.id ?? ''))
        .catch(() => undefined);
  }, [s.user.id]);

  // Refresh the access token a minute before it expires and hand it to the live socket.
  useEffect(() => {
    const ms = Math.max(5_000, s.expiresAt - Date.now() - 60_000);
    const timer = setTimeout(() => void refreshNow(), ms);
    return () => clearTimeout(timer);
  }, [s.expiresAt]);

  const liveRef = useRef<ReturnType<typeof connectLive>>(undefined);
  useEffect(() => {
    if (!wid) return;
    const dev = device.get();
    if (dev && dev.warehouseId !== wid) device.set({ ...dev, warehouseId: wid });
    // The server's device registry: this handheld, its warehouse and who signed in on it (best effort).
    if (dev) void api('PUT', `/devices/${encodeURIComponent(dev.id)}`, { name: dev.name, warehouseId: wid }).catch(() => undefined);
    const live = (liveRef.current = connectLive({
      token: () => sessionRef.current.accessToken,
      warehouseId: wid,
      onEvent: dispatchLiveEvent,
      onState: connection.set,
    }));
    return live.close;
  }, [wid]);
  useEffect(() => {
    liveRef.current?.socket.emit('reauth', { token: s.accessToken });
  }, [s.accessToken]);

  const m = match(path);
  const allowed = m && screensFor(s.user.roles).includes(m.screen);
  const desktop = m?.screen.layout === 'desktop';
  return (
    <div class={`app ${desktop ? 'desktop' : 'handheld'}`}>
      <TopBar s={s} atHome={!allowed} />
      <Conflicts />
      <FeedbackBanner />
      <main class="screen" id="main">
        {!wid ? (
          <p class="muted">{t('common.loading')}</p>
        ) : allowed ? (
          <Lazy screen={m.screen} props={{ warehouseId: wid, params: m.params }} key={m.screen.path} />
        ) : (
          <Home s={s} />
        )}
      </main>
    </div>
  );
}

const loaded = new Map<AreaScreen, ComponentType<ScreenProps>>();
function Lazy({ screen, props }: { screen: AreaScreen; props: ScreenProps }) {
  const [C, setC] = useState<ComponentType<ScreenProps> | undefined>(loaded.get(screen));
  useEffect(() => {
    if (!C)
      void screen.load().then((m) => {
        loaded.set(screen, m.default);
        setC(() => m.default);
      });
  }, [screen]);
  return C ? <C {...props} /> : <p class="muted">{t('common.loading')}</p>;
}

function ConnectionPill() {
  const t = useT();
  const c = useStore(connection);
  const net = useStore(online);
  const q = useStore(pending).length;
  const state: ConnectionState = !net ? 'offline' : c;
  return (
    <span class={`conn conn-${state}`} data-testid="connection-state" role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {t(`conn.${state}`)}
      {q > 0 && <span data-testid="queued"> · {t('conn.queued', { n: q })}</span>}
    </span>
  );
}

function TopBar({ s, atHome }: { s: Session; atHome: boolean }) {
  const t = useT();
  const signOut = () => {
    const n = pending.get().length;
    if (n > 0 && !confirm(t('login.pendingWarning', { n }))) return;
    navigate('');
    void logout();
  };
  return (
    <header class="topbar">
      {atHome ? (
        <strong class="brand">{t('app.name')}</strong>
      ) : (
        <button type="button" class="ghost icon" onClick={() => navigate('')} aria-label={t('common.home')} title={t('common.home')}>
          ‹
        </button>
      )}
      <ConnectionPill />
      <span class="who">{s.user.displayName}</span>
      <button type="button" class="ghost icon" onClick={signOut} aria-label={t('login.signOut')} title={t('login.signOut')}>
        <svg
          viewBox="0 0 24 24"
          width="26"
          height="26"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          stroke-width="2.4"
          stroke-linecap="round"
        >
          <path d="M12 3v9" />
          <path d="M6.3 6.3a8 8 0 1 0 11.4 0" />
        </svg>
      </button>
    </header>
  );
}

function Home({ s }: { s: Session }) {
  const t = useT();
  const wid = useStore(warehouse);
  const [whs, setWhs] = useState<{ id: string; code: string; name: string }[]>([]);
  useEffect(() => {
    api<{ items: { id: string; code: string; name: string }[] }>('GET', '/warehouses')
      .then((r) => setWhs(r.items))
      .catch(() => undefined);
  }, []);
  const screens = screensFor(s.user.roles);
  return (
    <section class="home">
      <h1>{t('home.title')}</h1>
      <nav class="menu" aria-label={t('home.title')}>
        {screens.map((sc) => (
          <a key={sc.path} href={`#/${sc.path}`} class="tile" data-testid={`menu-${sc.path}`}>
            {typeof sc.label === 'string' ? t(sc.label) : sc.label[locale.get()]}
          </a>
        ))}
      </nav>
      {whs.length > 1 && (
        <label class="stack">
          {t('home.warehouse')}
          <select value={wid} onChange={(e) => warehouse.set((e.target as HTMLSelectElement).value)}>
            {whs.map((w) => (
              <option value={w.id} key={w.id}>
                {w.code} · {w.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <p class="muted">{t('login.signedInAs', { name: `${s.user.displayName} (${s.user.roles.join(', ')})` })}</p>
      <p class="muted">{t('device.current', { name: device.get()?.name ?? '' })}</p>
      <LanguagePicker userId={s.user.id} />
    </section>
  );
}

/** Right / wrong / needs action, with text and an icon besides the colour; a wrong scan waits for the worker. */
function FeedbackBanner() {
  const t = useT();
  const f = useStore(feedback);
  const isLocked = useStore(locked);
  const ack = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (isLocked) ack.current?.focus();
  }, [isLocked, f?.id]);
  useEffect(() => {
    if (!f || f.kind === 'wrong') return;
    const id = f.id;
    const timer = setTimeout(() => feedback.get()?.id === id && feedback.set(undefined), f.kind === 'right' ? 1500 : 6000);
    return () => clearTimeout(timer);
  }, [f?.id]);
  if (!f) return null;
  const icon = f.kind === 'right' ? '✓' : f.kind === 'wrong' ? '✕' : '!';
  return (
    <div class={`feedback fb-${f.kind}`} role={f.kind === 'wrong' ? 'alert' : 'status'} data-testid="feedback" data-kind={f.kind}>
      <span class="fb-icon" aria-hidden="true">
        {icon}
      </span>
      <div>
        <strong>{t(f.kind === 'right' ? 'fb.right' : f.kind === 'wrong' ? 'fb.wrong' : 'fb.action')}</strong>
        {f.message && <p>{f.message}</p>}
        {isLocked && <p class="small">{t('fb.locked')}</p>}
      </div>
      {(isLocked || f.kind === 'action') && (
        <button ref={ack} type="button" class="ack" onClick={acknowledge} data-testid="ack">
          {isLocked ? t('fb.ack') : t('common.ok')}
        </button>
      )}
    </div>
  );
}

function Conflicts() {
  const t = useT();
  const list = useStore(conflicts);
  // A command the server refused after a dead spot is a wrong outcome the worker must see, hear and acknowledge,
  // not a silent line: the newest one is signalled like a wrong scan (an optimistic "right" banner is replaced).
  const seen = useRef(list.length);
  useEffect(() => {
    const fresh = list[list.length - 1];
    if (list.length > seen.current && fresh)
      signal('wrong', t('offline.conflict', { what: fresh.label, reason: fresh.problem?.detail ?? '' }));
    seen.current = list.length;
  }, [list.length]);
  if (!list.length) return null;
  return (
    <section class="conflicts" role="alert" data-testid="conflicts">
      <h2>{t('offline.conflicts')}</h2>
      <ul>
        {list.map((c) => (
          <li key={c.seq}>
            <span>{t('offline.conflict', { what: c.label, reason: c.problem?.detail ?? '' })}</span>
            <button type="button" onClick={() => void dismissConflict(c.seq!)}>
              {t('offline.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
