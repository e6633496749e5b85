import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Times are shown in the hospital's zone whatever the browser's zone is (the server's
 * HOSPITAL_TIMEZONE default; the API does not publish it yet).
 */
export const HOSPITAL_TZ = 'Asia/Shanghai';

export const inHospital = (v: string | Date | dayjs.Dayjs) => dayjs(v).tz(HOSPITAL_TZ);

/** Today's date in the hospital (YYYY-MM-DD). */
export const hospitalToday = () => dayjs().tz(HOSPITAL_TZ).format('YYYY-MM-DD');

export const hhmm = (v: string | Date | null | undefined) => (v ? inHospital(v).format('HH:mm') : '');

/** Integer fen → "12.50" (display only; the API always carries fen): the one formatter, shared with the patient app and the server. */
export { formatYuan as yuan } from '@qingnang/contracts';

/** Form value in yuan (number or string, at most 2 decimals) → integer fen, exactly. */
export function toFen(v: number | string | null | undefined): number {
  if (v === null || v === undefined || v === '') return 0;
  const s = typeof v === 'number' ? v.toFixed(2) : v.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return NaN;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

export function dateTime(v: string | Date | null | undefined): string {
  return v ? inHospital(v).format('YYYY-MM-DD HH:mm:ss') : '';
}

/** A business date ('2026-11-22') is shown as it is; a timestamp in the hospital zone. */
export function date(v: string | Date | null | undefined): string {
  if (!v) return '';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  return inHospital(v).format('YYYY-MM-DD');
}
