import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from '../../scripts/lib/browser.js';

/** Debian chromium in a fresh profile, at handheld size unless told otherwise. Never downloads a browser. */
export async function launchBrowser(
  viewport = { width: 360, height: 640 },
  opts: { args?: string[]; permissions?: string[] } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dockside-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    permissions: opts.permissions,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      '--autoplay-policy=no-user-gesture-required',
      ...(opts.args ?? []),
    ],
  });
}

/** Types a scan the way a keyboard-wedge scanner does: a burst at 5 ms a key, then the suffix. Nothing is focused. */
export async function wedge(page: Page, data: string, suffix: 'Enter' | 'Tab' = 'Enter'): Promise<void> {
  await page.evaluate('document.activeElement?.blur?.()');
  await page.keyboard.type(data, { delay: 5 });
  await page.keyboard.press(suffix);
}

export const ARTIFACTS = join(process.cwd(), 'artifacts', 'console');

/** Screenshots the screen in both languages (switching back to the one it was in). */
export async function shotBoth(page: Page, name: string): Promise<void> {
  const was = (await page.evaluate("document.documentElement.lang || 'en'")) as string;
  for (const lang of ['en', 'zh-CN']) {
    await page.evaluate((l) => (globalThis as any).__dockside.setLocale(l), lang);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const dir = join(ARTIFACTS, lang);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`) });
  }
  await page.evaluate((l) => (globalThis as any).__dockside.setLocale(l), was);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the current screen: the serious and critical violations (rule id and the elements it names). */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  if (!(await page.evaluate("'axe' in window"))) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const g = globalThis as any;
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
  return (result as { id: string; impact: string; nodes: string[] }[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * A TCP relay in front of the server that can lose the network the way a Wi-Fi dead spot does: every open
 * connection is reset and new ones are refused, whoever opens them. Chromium's offline emulation, even with
 * page routes aborting /v1, let one confirmation reach the server in a full CI run; how it escaped is not
 * known (50 POSTs from a service-worker-controlled page were all blocked in a probe), so the dead spot is
 * made below the browser, where nothing gets through.
 */
export interface DeadSpot {
  /** The server's address through the relay: open the console here. */
  url: string;
  /** Loses the network: resets what is open, refuses what comes. Also flips the browser's own offline flag. */
  enter(context: BrowserContext): Promise<void>;
  /** The network is back. */
  leave(context: BrowserContext): Promise<void>;
  close(): Promise<void>;
}

export async function deadSpotRelay(serverUrl: string): Promise<DeadSpot> {
  const target = new URL(serverUrl);
  const open = new Set<Socket>();
  let dead = false;
  const server = createServer((client) => {
    if (dead) return void client.resetAndDestroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async enter(context) {
      dead = true;
      for (const s of open) s.resetAndDestroy();
      await context.setOffline(true);
    },
    async leave(context) {
      dead = false;
      await context.setOffline(false);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}
