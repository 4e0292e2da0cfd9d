import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// Served by the API at /console (see api/app.ts); `npm run build:console` or setup builds it.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/v1': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } } },
});
