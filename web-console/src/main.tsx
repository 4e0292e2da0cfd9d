import { render } from 'preact';
import { warmAudio } from './feedback';
import { setLocale } from './i18n';
import { startQueue } from './offline/queue';
import { installWedge } from './scan/wedge';
import { Shell } from './shell/Shell';
import './styles.css';

installWedge();
void startQueue();
// Test and support hook: switch language without a user (screenshots in both languages).
(window as unknown as { __dockside: object }).__dockside = { setLocale };
// Audio may only start after a gesture: the first tap or key of the shift unlocks it.
for (const ev of ['pointerdown', 'keydown'] as const) window.addEventListener(ev, warmAudio, { once: true, capture: true });
if ('serviceWorker' in navigator && import.meta.env.PROD) void navigator.serviceWorker.register('/console/sw.js', { scope: '/console/' });

render(<Shell />, document.getElementById('app')!);
