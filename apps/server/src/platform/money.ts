/** Money is integer fen (分). These helpers keep it that way. */
export type Fen = number;

export function assertFen(v: number): Fen {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`invalid fen amount ${v}`);
  return v;
}

export const formatYuan = (fen: Fen) => (fen / 100).toFixed(2);

export const sumFen = (xs: Fen[]) => xs.reduce((a, b) => a + b, 0);
