/**
 * The web app's build (src/web → dist/web), served by the node (src/server/web/serve-web-app.ts).
 * No inline script or style is emitted, so the app runs under `script-src 'self'; style-src
 * 'self'`; the device worker is its own module chunk.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  base: '/',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
