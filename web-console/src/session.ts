import { createStore } from './store';

// Tokens live in sessionStorage: they survive a reload, but a shared handheld forgets its user when the
// browser closes. The device registration lives in localStorage: it outlasts every shift.
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: {
    id: string;
    username: string;
    displayName: string;
    roles: string[];
    warehouseIds: string[];
    /** The language the user chose, stored on the server (null: not chosen yet). */
    locale?: 'en' | 'zh-CN' | null;
  };
}
export interface Device {
  id: string;
  name: string;
  warehouseId?: string;
}

const KEY = 'dockside.session';
const DEVICE_KEY = 'dockside.device';

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session | undefined): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

export const session = createStore<Session | undefined>(loadSession());
session.subscribe(saveSession);

export function loadDevice(): Device | undefined {
  try {
    const raw = localStorage.getItem(DEVICE_KEY);
    return raw ? (JSON.parse(raw) as Device) : undefined;
  } catch {
    return undefined;
  }
}
export const device = createStore<Device | undefined>(loadDevice());
device.subscribe((d) => (d ? localStorage.setItem(DEVICE_KEY, JSON.stringify(d)) : localStorage.removeItem(DEVICE_KEY)));

/** Registers this handheld under a name; the id is sent at sign-in and ends up on every movement it makes. */
export function registerDevice(name: string): Device {
  const d = { id: `dev-${crypto.randomUUID()}`, name: name.trim() };
  device.set(d);
  return d;
}

interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: Session['user'];
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.detail ?? `${res.status} ${res.statusText}`);
  return json as T;
}

const toSession = (t: TokenResponse): Session => ({
  accessToken: t.accessToken,
  refreshToken: t.refreshToken,
  expiresAt: Date.now() + t.expiresIn * 1000,
  user: t.user,
});

export async function login(username: string, password: string): Promise<Session> {
  return toSession(await post<TokenResponse>('/v1/auth/login', { username, password, deviceId: device.get()?.id }));
}

export async function badgeLogin(badge: string, pin: string): Promise<Session> {
  return toSession(await post<TokenResponse>('/v1/auth/badge', { badge, pin, deviceId: device.get()?.id }));
}

export async function refresh(s: Session): Promise<Session> {
  return toSession(await post<TokenResponse>('/v1/auth/refresh', { refreshToken: s.refreshToken, deviceId: device.get()?.id }));
}

/** Shift end: revoke the refresh token on the server (best effort) and forget the user here. */
export async function logout(): Promise<void> {
  const s = session.get();
  session.set(undefined);
  if (s) await post('/v1/auth/logout', { refreshToken: s.refreshToken }, s.accessToken).catch(() => undefined);
}

let refreshing: Promise<Session | undefined> | undefined;
/** One refresh at a time, shared by every caller that met a 401. */
export function refreshNow(): Promise<Session | undefined> {
  const s = session.get();
  if (!s) return Promise.resolve(undefined);
  refreshing ??= refresh(s)
    .then((n) => (session.set(n), n))
    .catch(() => undefined)
    .finally(() => (refreshing = undefined));
  return refreshing;
}
