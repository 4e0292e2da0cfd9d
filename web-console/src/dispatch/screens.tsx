import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../session';
import { DriverApp } from '../driver/driver-app';
import { DispatchBoard } from './board';
import { TrackPage } from './track-page';

/**
 * The dispatch and driver screens, by hash route: `#/dispatch`, `#/dispatch/metrics`, `#/driver`, and
 * the public `#/track/<token>`. The console shell calls this first and falls back to its own screens.
 */
export function publicScreen(hash: string): VNode | null {
  const m = /^#\/track\/([A-Za-z0-9_-]+)/.exec(hash);
  return m ? <TrackPage token={m[1]!} /> : null;
}

export function dispatchScreen(hash: string, session: Session, onSession: (s: Session | undefined) => void): VNode | null {
  const nav = (h: string) => (location.hash = h);
  const roles = session.user.roles;
  const planner = roles.some((r) => r === 'admin' || r === 'dispatcher' || r === 'supervisor');
  if ((hash === '' || hash === '#/') && roles.includes('dispatcher')) hash = '#/dispatch';
  if (hash.startsWith('#/dispatch') && planner) return <DispatchBoard session={session} onSession={onSession} nav={nav} />;
  if (hash.startsWith('#/driver') || (roles.length === 1 && roles[0] === 'driver'))
    return <DriverApp session={session} onSession={onSession} />;
  return null;
}

/** The location hash, re-rendering on change. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}
