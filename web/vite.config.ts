import { fileURLToPath, URL } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

/** Writes .gz and .br beside each built asset, so the server sends them compressed without compressing per request. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'quanyi-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = path.join(outDir, 'assets');
      if (!fs.existsSync(assets)) return;
      for (const name of fs.readdirSync(assets)) {
        if (!/\.(js|css|svg|json)$/.test(name)) continue;
        const data = fs.readFileSync(path.join(assets, name));
        fs.writeFileSync(path.join(assets, `${name}.gz`), zlib.gzipSync(data, { level: 9 }));
        fs.writeFileSync(path.join(assets, `${name}.br`), zlib.brotliCompressSync(data));
      }
    },
  };
}

/**
 * The web app: one Vue 3 single-page app with four areas (/app consumer H5, /merchant, /admin, /fairness), each
 * area a lazily loaded chunk so a consumer's phone never downloads the operator console or ECharts. Built into
 * web/dist, which the API server serves (src/app/web-static.ts).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue(), precompress()],
  resolve: {
    alias: {
      // The draw verifier (src/modules/lottery/verify) is shared with the CLI; in the browser its SHA-256 comes
      // from @noble/hashes instead of node:crypto.
      'node:crypto': fileURLToPath(new URL('./src/shims/node-crypto.ts', import.meta.url)),
      '@server': fileURLToPath(new URL('../src', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/sandbox': 'http://127.0.0.1:3000', '/.well-known': 'http://127.0.0.1:3000' },
  },
});
