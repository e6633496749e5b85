import { describe, expect, it } from 'vitest';
import { formatYuan } from './money.js';

describe('showing an amount in yuan', () => {
  it('prints fen as yuan with two decimals, exactly, for any size', () => {
    expect(formatYuan(1250)).toBe('12.50');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(10_000_000_007)).toBe('100000000.07');
    expect(formatYuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });

  it('keeps the sign of a refund or a debt', () => {
    expect(formatYuan(-1)).toBe('-0.01');
    expect(formatYuan(-12_345)).toBe('-123.45');
  });

  it('shows nothing for a missing amount instead of NaN', () => {
    expect(formatYuan(undefined)).toBe('');
    expect(formatYuan(null)).toBe('');
    expect(formatYuan(Number.NaN)).toBe('');
  });
});
