// Tokens live in sessionStorage: a shared handheld forgets its user when the browser closes.
export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  user: { id: string; username: string; displayName: string; roles: string[]; warehouseIds: string[] };
}

const KEY = 'dockside.session';

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

interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: Session['user'];
}

async function call<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(path, { ...init, headers });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail ?? `${res.status} ${res.statusText}`);
  return body as T;
}

const toSession = (t: TokenResponse): Session => ({
  accessToken: t.accessToken,
  refreshToken: t.refreshToken,
  expiresAt: Date.now() + t.expiresIn * 1000,
  user: t.user,
});

export async function login(username: string, password: string): Promise<Session> {
  return toSession(await call<TokenResponse>('/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }));
}

export async function badgeLogin(badge: string, pin: string): Promise<Session> {
  return toSession(await call<TokenResponse>('/v1/auth/badge', { method: 'POST', body: JSON.stringify({ badge, pin }) }));
}

export async function refresh(s: Session): Promise<Session> {
  return toSession(
    await call<TokenResponse>('/v1/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: s.refreshToken }) }),
  );
}

export interface Warehouse {
  id: string;
  code: string;
  name: string;
}

export async function listWarehouses(s: Session): Promise<Warehouse[]> {
  return (await call<{ items: Warehouse[] }>('/v1/warehouses', { token: s.accessToken })).items;
}

export async function postNote(s: Session, warehouseId: string, text: string): Promise<void> {
  await call(`/v1/warehouses/${warehouseId}/notes`, { method: 'POST', token: s.accessToken, body: JSON.stringify({ text }) });
}
