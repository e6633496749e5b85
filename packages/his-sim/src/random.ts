import { createHash } from 'node:crypto';
import { referenceRangeFor, type Indicator, type Subject } from './catalogue.js';

// Deterministic randomness: the same seed and key always give the same simulated hospital.

/** mulberry32 seeded from (seed, key): the same seed and key always give the same sequence. */
export function rngFor(seed: number, key: string): () => number {
  let a = createHash('sha256').update(`${seed}:${key}`).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];
export function pickSome<T>(r: () => number, xs: T[], min: number, max: number): T[] {
  const n = min + Math.floor(r() * (max - min + 1));
  const pool = [...xs];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]);
  return out;
}

/**
 * One indicator's result for a subject: inside the reference range that applies to their sex and
 * age, or (with probability `abnormal`) outside it; the flag and the range reported are that range's.
 */
export function observe(r: () => number, indicator: Indicator, abnormal: number, who: Subject = {}) {
  const ind = { ...indicator, ...referenceRangeFor(indicator, who) };
  if (ind.qualitative) {
    const bad = r() < abnormal;
    return {
      value: bad ? pick(r, ind.qualitative.abnormal) : ind.qualitative.normal,
      refText: ind.qualitative.normal,
      flag: bad ? ('H' as const) : ('N' as const),
    };
  }
  const low = ind.low ?? 0;
  const high = ind.high ?? low * 2 + 1;
  const span = high - low;
  let v: number;
  let flag: 'H' | 'L' | 'N' = 'N';
  if (r() < abnormal) {
    const goLow = ind.low !== undefined && ind.low > 0 && (ind.high === undefined || r() < 0.35);
    if (goLow) {
      v = low - span * (0.05 + r() * 0.25);
      if (v <= 0) v = low * (0.5 + r() * 0.4);
      flag = 'L';
    } else {
      v = high + span * (0.08 + r() * 0.6);
      flag = 'H';
    }
  } else {
    v = low + span * (0.1 + r() * 0.8);
  }
  const digits = ind.digits ?? 2;
  const f = 10 ** digits;
  v = Math.round(v * f) / f;
  // rounding must not carry a value across the limit
  if (flag === 'N') v = Math.min(Math.max(v, low), high);
  if (flag === 'H' && ind.high !== undefined && v <= ind.high) v = ind.high + 1 / f;
  if (flag === 'L' && ind.low !== undefined && v >= ind.low) v = ind.low - 1 / f;
  return { value: Number(v.toFixed(digits)), refLow: ind.low, refHigh: ind.high, unit: ind.unit, flag };
}
