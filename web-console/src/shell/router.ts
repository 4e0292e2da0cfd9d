import { createStore } from '../store';

// Hash routes (#/pick, #/dispatch/board): the service worker serves one index.html for every screen.
const current = () => location.hash.replace(/^#\/?/, '');
export const route = createStore<string>(typeof location === 'undefined' ? '' : current());
if (typeof window !== 'undefined') window.addEventListener('hashchange', () => route.set(current()));

export function navigate(path: string): void {
  if (current() === path) return;
  location.hash = `#/${path}`;
}
