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
  // Never go back: if the clock steps backwards (NTP, a test clock) keep counting in the last millisecond.
  const ms = Math.max(now.getTime(), lastMs);
  if (ms === lastMs) {
    seq += 1;
    if (seq === 10000) {
      lastMs = ms + 1;
      seq = 0;
    }
  } else {
    lastMs = ms;
    seq = 0;
  }
  const t = new Date(lastMs + 8 * 3600_000).toISOString().replace(/[-:TZ.]/g, '');
  return `${prefix}${t}${instanceTag}${String(seq).padStart(4, '0')}`;
}
