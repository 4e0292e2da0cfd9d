import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests drive Debian's chromium; install it when root on Debian, else say how. Never downloads a browser. */
export function ensureChromium(say: (m: string) => void): boolean {
  if (existsSync(CHROMIUM)) return true;
  const debianRoot = process.getuid?.() === 0 && existsSync('/etc/debian_version');
  if (!debianRoot) {
    say(
      `chromium not found at ${CHROMIUM}: browser tests will fail. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
    return false;
  }
  say('installing chromium with apt-get for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env }).status === 0 && existsSync(CHROMIUM);
}
