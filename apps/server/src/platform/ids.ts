import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

let lastMs = 0;
let seq = 0;
const instanceTag = randomBytes(2).toString('hex').toUpperCase();

/**
 * Platform-unique, time-sortable business number (order number, refund number):
 * prefix + yyyyMMddHHmmssSSS (UTC+8) + 4 hex of this process + 4-digit sequence within the millisecond,
 * so two server instances never collide and numbers sort by time. 32 chars max (WeChat Pay limit).
 */
export function newBusinessNumber(prefix: string, now: Date = new Date()): string {
  const ms = now.getTime();
  if (ms === lastMs) seq = (seq + 1) % 10000;
  else {
    lastMs = ms;
    seq = 0;
  }
  const t = new Date(ms + 8 * 3600_000).toISOString().replace(/[-:TZ.]/g, '');
  return `${prefix}${t}${instanceTag}${String(seq).padStart(4, '0')}`;
}
