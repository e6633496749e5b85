/**
 * Money on the wire is integer fen (分). This is the one formatter for showing it, used by the server
 * (messages, exports, channel requests) and both web apps.
 */

/**
 * Integer fen → yuan with two decimals: 1250 → "12.50", -1 → "-0.01". Computed in integers, so no
 * floating-point rounding; no currency sign (the sentence around it decides where ¥ goes).
 * Missing or non-numeric amounts read as '' rather than "NaN".
 */
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
