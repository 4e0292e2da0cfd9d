import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';

/** Emits sw.js with the list of built files and a build id, so each build installs a fresh precache. */
function serviceWorker(): Plugin {
  return {
    name: 'dockside-service-worker',
    apply: 'build',
    generateBundle(_opts, bundle) {
      const assets = Object.keys(bundle).filter((f) => f !== 'index.html' && !f.endsWith('.map'));
      const build = Object.keys(bundle).sort().join('|');
      let hash = 0;
      for (let i = 0; i < build.length; i++) hash = (hash * 31 + build.charCodeAt(i)) | 0;
      const source = readFileSync(new URL('./sw.js', import.meta.url), 'utf8')
        .replace("const BUILD = '__BUILD__';", `const BUILD = '${(hash >>> 0).toString(36)}';`)
        .replace('const ASSETS = __ASSETS__;', `const ASSETS = ${JSON.stringify(assets)};`);
      if (source.includes('__BUILD__') || source.includes('__ASSETS__')) this.error('sw.js template placeholders not filled');
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

// A build is always a production build, even when started from a test run (NODE_ENV=test would otherwise
// give the dev JSX runtime, a bigger bundle and no service worker).
if (process.argv.includes('build')) process.env.NODE_ENV = 'production';

// The camera fallback's ZXing .wasm must be the build its JS glue was made for: barcode-detector pins an exact
// zxing-wasm version, and the .wasm of another one (the top-level zxing-wasm the tests use) crashes it with
// "memory access out of bounds" on every frame. So the .wasm is resolved from barcode-detector's own dependency.
const require = createRequire(import.meta.url);
const ZXING_READER_WASM = require.resolve('zxing-wasm/reader/zxing_reader.wasm', {
  paths: [dirname(require.resolve('barcode-detector/ponyfill'))],
});

// Served by the API at /console (see api/app.ts); `npm run build:console` or setup builds it.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact(), serviceWorker()],
  resolve: { alias: [{ find: /^barcode-detector-zxing-reader\.wasm(\?.*)?$/, replacement: `${ZXING_READER_WASM}$1` }] },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  worker: { format: 'es' },
  server: { proxy: { '/v1': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
});
