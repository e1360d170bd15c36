import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// The renderer is served from a custom protocol in Electron and from the browser-mode server, so every
// asset URL is relative. Vite emits the entry as an external module script: the CSP forbids inline ones.
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    // Maps are written for debugging a build but not linked from the bundle, and neither server serves them.
    sourcemap: 'hidden',
    // The bundle is loaded from disk, never over a network: one file per kind is simplest to serve.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
