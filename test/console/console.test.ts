import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../scripts/lib/browser.js';
import { http, startTestSystem, type TestSystem, type TestUser } from '../harness/context.js';

let sys: TestSystem;
let sup: TestUser;
let browser: BrowserContext;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true });
  sup = await sys.user('floor.sup', ['supervisor'], [sys.wh1], { password: 'console-pass' });
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'dockside-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await sys?.close();
});

/** First visit of a fresh browser profile: the device is registered once (kept in localStorage). */
async function registerDevice(page: Page) {
  const name = page.locator('input[name=deviceName]');
  await Promise.race([name.waitFor(), page.locator('input[name=username]').waitFor()]);
  if (await name.isVisible()) {
    await name.fill('DESK-1');
    await page.click('button[type=submit]');
    await page.locator('input[name=username]').waitFor();
  }
}

describe('web console', () => {
  it('signs in, shows the live connection and events as they happen', async () => {
    // A note posted before the supervisor signs in: the feed opened later shows it (the recent events are read when
    // the screen opens; before, only events arriving while it was open were shown).
    const earlier = await http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, {
      token: sup.token,
      body: { text: 'Forklift 2 back from charging' },
    });
    expect(earlier.status).toBe(201);
    const page = await browser.newPage();
    await page.goto(`${sys.url}/console/`);
    await registerDevice(page);
    await page.getByRole('tab', { name: 'Password' }).click();
    await page.fill('input[name=username]', 'floor.sup');
    await page.fill('input[name=password]', 'console-pass');
    await page.click('button[type=submit]');
    await page.getByTestId('connection-state').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    await page.getByTestId('menu-feed').click();
    await page.getByText('Forklift 2 back from charging').waitFor({ timeout: 15_000 });

    // A state change made elsewhere (the API) reaches the screen.
    const posted = await http('POST', `${sys.url}/v1/warehouses/${sys.wh1}/notes`, {
      token: sup.token,
      body: { text: 'Dock 3 closed for cleaning' },
    });
    expect(posted.status).toBe(201);
    await page.getByText('Dock 3 closed for cleaning').waitFor({ timeout: 15_000 });
    // And one made from the console itself.
    await page.fill('input[aria-label="Note to the floor"]', 'Wave 12 released');
    await page.click('form.note button[type=submit]');
    await page.getByText('Wave 12 released').waitFor({ timeout: 15_000 });
    // Newest first, each once: the three notes and the sign-in between them (user.logged_in).
    const items = await page.locator('[data-testid=event-feed] li').allTextContents();
    expect(items, items.join('\n')).toHaveLength(4);
    await expect(page.locator('[data-testid=event-feed] li .what').allTextContents()).resolves.toEqual([
      'floor.sup: Wave 12 released',
      'floor.sup: Dock 3 closed for cleaning',
      expect.stringContaining('userId='),
      'floor.sup: Forklift 2 back from charging',
    ]);
    const dir = join(process.cwd(), '.data', 'screenshots');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'console-live.png'), fullPage: true });
  });

  it('shows a readable error for a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${sys.url}/console/`);
    await registerDevice(page);
    await page.getByRole('tab', { name: 'Password' }).click();
    await page.fill('input[name=username]', 'floor.sup');
    await page.fill('input[name=password]', 'wrong');
    await page.click('button[type=submit]');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Invalid username or password');
  });
});
