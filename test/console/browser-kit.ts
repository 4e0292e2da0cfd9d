import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
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
