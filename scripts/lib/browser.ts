import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Debian's Noto CJK fonts: without them the zh-CN screenshots of the console show boxes instead of glyphs.
const CJK_FONT_DIR = '/usr/share/fonts/opentype/noto';
const hasCjkFonts = () => existsSync(`${CJK_FONT_DIR}/NotoSansCJK-Regular.ttc`);

/** Browser tests drive Debian's chromium (and its CJK fonts); install them when root on Debian, else say how. Never downloads a browser. */
export function ensureChromium(say: (m: string) => void): boolean {
  if (existsSync(CHROMIUM) && hasCjkFonts()) return true;
  const debianRoot = process.getuid?.() === 0 && existsSync('/etc/debian_version');
  if (!debianRoot) {
    say(
      existsSync(CHROMIUM)
        ? 'CJK fonts missing: console screenshots in Chinese will show boxes. Install them (Debian/Ubuntu: sudo apt-get install -y fonts-noto-cjk).'
        : `chromium not found at ${CHROMIUM}: browser tests will fail. Install it (Debian/Ubuntu: sudo apt-get install -y chromium fonts-noto-cjk) or set CHROMIUM_PATH.`,
    );
    return false;
  }
  say('installing chromium and fonts-noto-cjk with apt-get for the browser tests…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  return (
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], { stdio: 'inherit', env }).status === 0 &&
    existsSync(CHROMIUM)
  );
}
