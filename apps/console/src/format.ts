import dayjs from 'dayjs';

/** Integer fen → "12.50" (display only; the API always carries fen). */
export function yuan(fen: number | null | undefined): string {
  if (fen == null) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

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
  return v ? dayjs(v).format('YYYY-MM-DD HH:mm:ss') : '';
}

export function date(v: string | Date | null | undefined): string {
  return v ? dayjs(v).format('YYYY-MM-DD') : '';
}
