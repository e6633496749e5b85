import type { AppConfig } from '../../config.js';
import { PiiCipher } from '../../platform/pii.js';

const ciphers = new WeakMap<AppConfig, PiiCipher>();

/** The PII cipher for this app's keys (config piiEncryptionKey / piiIndexKey), built once. */
export function piiCipher(config: AppConfig): PiiCipher {
  let c = ciphers.get(config);
  if (!c) {
    c = new PiiCipher(config.piiEncryptionKey, config.piiIndexKey);
    ciphers.set(config, c);
  }
  return c;
}

/** Mainland mobile numbers: 11 digits starting with 1. */
export function normalisePhone(raw: string): string {
  return raw.replace(/[\s-]/g, '').replace(/^\+?86/, '');
}
