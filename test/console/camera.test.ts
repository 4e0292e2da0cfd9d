import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import bwipjs from 'bwip-js';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../domain/scanning/check-digit.js';
import { buildConsoleIfStale } from '../../scripts/lib/prepare.js';
import { http, startTestSystem, type TestSystem } from '../harness/context.js';
import { axeSerious, launchBrowser, shotBoth } from './browser-kit.js';
import { readBarcodes } from 'zxing-wasm/reader';
import '../shipping/decode.js'; // prepares zxing-wasm with its .wasm read from node_modules (never fetched)

// The camera as a scanner, decoded for real: chromium's fake capture device plays a video of a rendered EAN-13
// (bwip-js → Y4M), the console's worker decodes the frames (the ZXing WASM fallback, served by us: headless
// chromium on Linux has no native BarcodeDetector), and the decoded code goes through the same scan path as a
// wedge scan: the look-up screen shows the item.
const BODY = '871234567890';
const EAN13 = BODY + gs1CheckDigit(BODY);
const W = 640;
const H = 480;

/** A few frames of YUV 4:2:0 video showing the barcode on white, as chromium's --use-file-for-fake-video-capture reads it. */
async function barcodeVideo(): Promise<{ file: string; frame: Buffer }> {
  const png = await bwipjs.toBuffer({ bcid: 'ean13', text: EAN13, scale: 4, height: 22, includetext: true, backgroundcolor: 'FFFFFF' });
  const img = await loadImage(png);
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  g.drawImage(img, Math.round((W - img.width) / 2), Math.round((H - img.height) / 2));
  const rgba = g.getImageData(0, 0, W, H).data;
  const y = Buffer.alloc(W * H);
  for (let i = 0; i < W * H; i++) y[i] = Math.round(0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!);
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const file = join(mkdtempSync(join(tmpdir(), 'dockside-camera-')), 'barcode.y4m');
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]));
  // The luma plane as an image: what the camera shows, for a decode outside the browser (the video itself is sound).
  const grey = g.createImageData(W, H);
  for (let i = 0; i < W * H; i++) grey.data.set([y[i]!, y[i]!, y[i]!, 255], i * 4);
  g.putImageData(grey, 0, 0);
  return { file, frame: canvas.toBuffer('image/png') };
}

let sys: TestSystem;
let browser: BrowserContext;
let page: Page;
let video: { file: string; frame: Buffer };

beforeAll(async () => {
  buildConsoleIfStale();
  sys = await startTestSystem();
  await sys.user('cam.sup', ['supervisor'], [sys.wh1], { password: 'cam-pass' });
  const catalogAdmin = await sys.user('cam.admin', ['admin'], []);
  const r = await http('PUT', `${sys.url}/v1/catalog/skus/CAM-1`, {
    token: catalogAdmin.token,
    body: {
      name: 'Camera item',
      lengthMm: 100,
      widthMm: 50,
      heightMm: 20,
      weightG: 120,
      uoms: [{ level: 'each', qtyEach: 1, gtin: EAN13 }],
    },
  });
  expect(r.status, r.text).toBe(201);
  video = await barcodeVideo();
  browser = await launchBrowser(
    { width: 360, height: 640 },
    {
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video.file}`],
      permissions: ['camera'],
    },
  );
  page = await browser.newPage();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await sys?.close();
});

describe('camera scanning', { timeout: 180_000 }, () => {
  it('plays a video whose frame decodes to the EAN-13 outside the browser', async () => {
    const found = await readBarcodes(new Blob([new Uint8Array(video.frame)]), { formats: ['EAN13'], tryHarder: true });
    expect(found.filter((b) => b.isValid).map((b) => b.text)).toEqual([EAN13]);
  });

  it('decodes a barcode from the camera in a worker and scans it like a wedge scan', async () => {
    await page.goto(`${sys.url}/console/`);
    await page.locator('input[name=deviceName]').waitFor();
    await page.fill('input[name=deviceName]', 'CAM-01');
    await page.click('button[type=submit]');
    await page.getByRole('tab', { name: 'Password' }).click();
    await page.fill('input[name=username]', 'cam.sup');
    await page.fill('input[name=password]', 'cam-pass');
    await page.click('button[type=submit]');
    await page.getByTestId('connection-state').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    await page.goto(`${sys.url}/console/#/lookup`);
    await page.getByTestId('prompt').waitFor();
    const said: string[] = [];
    page.on('console', (m) => said.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => said.push(`pageerror: ${e.message}`));
    await page.getByRole('button', { name: 'Camera' }).click();
    const videoState = () =>
      page.evaluate(
        `(() => { const v = document.querySelector('.camera video'); return v ? { readyState: v.readyState, w: v.videoWidth, h: v.videoHeight } : document.querySelector('.camera')?.textContent })()`,
      );
    await page
      .getByTestId('lookup-result')
      .filter({ hasText: 'CAM-1' })
      .waitFor({ timeout: 120_000 })
      .catch(async (e) => {
        throw new Error(`nothing decoded; video ${JSON.stringify(await videoState())}; console:\n${said.join('\n')}`, { cause: e });
      });
    // The code the camera saw is looked up: the item's code on screen, from a scan whose source is the camera.
    expect(await page.getByTestId('feedback').getAttribute('data-kind')).toBe('right');
    await shotBoth(page, 'camera-1-decoded');
    expect(await axeSerious(page)).toEqual([]);
    // Decoding ran off the main thread.
    expect(
      page
        .workers()
        .map((w) => w.url())
        .some((u) => /camera\.worker/.test(u)),
    ).toBe(true);
  });
});
