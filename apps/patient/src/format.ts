/** Display helpers shared by the pages: money, dates, code → label maps. */
import type { MessageKey } from './i18n';

/** Integer fen → "12.50": the one formatter, shared with the console and the server's messages. */
export { formatYuan as yuan } from '@qingnang/contracts';

/**
 * Clinic days and times are the hospital's (Asia/Shanghai, the server's default HOSPITAL_TIMEZONE),
 * whatever zone the phone is set to.
 */
export const HOSPITAL_TIME_ZONE = 'Asia/Shanghai';

const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: HOSPITAL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: HOSPITAL_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** YYYY-MM-DD of an instant in the hospital's zone. */
export function isoDate(d: Date): string {
  return dateFormat.format(d);
}

/** The calendar day n days after a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Weekday (0 = Sunday) of a YYYY-MM-DD day. */
export function weekday(day: string): number {
  return new Date(`${day}T12:00:00Z`).getUTCDay();
}

export function hospitalToday(): string {
  return isoDate(new Date());
}

export function dateTime(value: string | undefined | null): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return `${isoDate(d)} ${timeFormat.format(d)}`;
}

export function hhmm(value: string | undefined | null): string {
  if (!value) return '';
  if (/^\d{2}:\d{2}/.test(value)) return value.slice(0, 5);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return timeFormat.format(d);
}

export const shiftKey: Record<string, MessageKey> = {
  morning: 'shiftMorning',
  afternoon: 'shiftAfternoon',
  night: 'shiftNight',
  evening: 'shiftNight',
};

export function stateColor(state: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  if (['locked', 'pending_payment', 'awaiting_payment', 'created'].includes(state)) return 'warning';
  if (['paid', 'confirmed', 'booked', 'checked_in'].includes(state)) return 'success';
  if (['visited', 'completed'].includes(state)) return 'primary';
  if (['no_show', 'stopped'].includes(state)) return 'danger';
  return 'default';
}

/**
 * A value the page has no label for: shown when it already reads as words (a doctor's title typed
 * in by the hospital, 上午), replaced by `unknown` when it looks like a code (`no_show`, `NOTPAY`).
 */
export function wordsOr(value: string | null | undefined, unknown: string): string {
  if (!value) return '';
  return /^[A-Za-z0-9_.:-]+$/.test(value) ? unknown : value;
}
