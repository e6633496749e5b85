/** Money is integer fen (分). These helpers keep it that way. */
export type Fen = number;

export function assertFen(v: number): Fen {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`invalid fen amount ${v}`);
  return v;
}

/** Fen → "12.50": the formatter the web apps use too, so an amount reads the same everywhere. */
export { formatYuan } from '@qingnang/contracts';

export const sumFen = (xs: Fen[]) => xs.reduce((a, b) => a + b, 0);
