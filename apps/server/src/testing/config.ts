import { loadConfig, type AppConfig } from '../config.js';

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
    // tests read what they just wrote; read-cache.test.ts turns it on
    READ_CACHE_MS: '0',
    // the injected requests come from 127.0.0.1; tests stand in for a proxy to vary the client address
    TRUST_PROXY: '127.0.0.1',
    PII_ENCRYPTION_KEY: 'test-encryption-key',
    PII_INDEX_KEY: 'test-index-key',
    JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
    ...overrides,
  });
}
