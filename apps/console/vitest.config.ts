import { defineConfig } from 'vitest/config';

// The console's own unit tests (pure helpers); run with
// `npx vitest run --config apps/console/vitest.config.ts`.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
