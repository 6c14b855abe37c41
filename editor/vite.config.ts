/** Builds the browser editor into editor/dist; `vite` (dev) proxies the API to a server on :1890. */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = 'http://127.0.0.1:1890';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': backend,
      '/hooks': backend,
      '/socket.io': { target: backend, ws: true },
    },
  },
});
