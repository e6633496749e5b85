import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// Served by the API server at /console/; the CSP allows only same-origin scripts, so nothing inline.
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  resolve: {
    // The workspace root holds another React major (hoisted for a different package); antd and the
    // router must use this app's React 19, or hooks fail with two React copies.
    dedupe: ['react', 'react-dom', 'react/jsx-runtime', 'react-router', '@tanstack/react-query'],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        manualChunks: {
          react: ['react', 'react-dom', 'react-router'],
          antd: ['antd', '@ant-design/icons'],
          echarts: ['echarts'],
        },
      },
    },
  },
  server: {
    port: 5174,
    proxy: { '/api': 'http://localhost:3000' },
  },
});
