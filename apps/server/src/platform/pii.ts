import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';

/**
 * Personal data at rest: AES-256-GCM ciphertext ("v1:" + base64(iv | tag | data)) plus an HMAC-SHA256
 * blind index for equality look-ups. Keys come from config; any string is stretched to 32 bytes.
 */
export class PiiCipher {
  private readonly encKey: Buffer;
  private readonly idxKey: Buffer;

  constructor(encryptionKey: string, indexKey: string) {
    this.encKey = toKey(encryptionKey);
    this.idxKey = toKey(indexKey);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return 'v1:' + Buffer.concat([iv, c.getAuthTag(), data]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('unknown ciphertext version');
    const buf = Buffer.from(stored.slice(3), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.encKey, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }

  /** Deterministic look-up key; the input is normalised (trim, upper case) first. */
  blindIndex(plain: string): string {
    return createHmac('sha256', this.idxKey).update(plain.trim().toUpperCase()).digest('hex');
  }
}

function toKey(k: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(k)) return Buffer.from(k, 'hex');
  const b64 = Buffer.from(k, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/=]+$/.test(k)) return b64;
  return createHash('sha256').update(k).digest();
}

/** 110101199003071234 -> 110***********1234 (first 3, last 4 kept). */
export function maskIdNumber(id: string): string {
  if (id.length <= 7) return '*'.repeat(id.length);
  return id.slice(0, 3) + '*'.repeat(id.length - 7) + id.slice(-4);
}

/** 13812341234 -> 138****1234 */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** 张三丰 -> 张*丰, 张三 -> 张* */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

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
