import { describe, expect, it } from 'vitest';
import { newBusinessNumber } from './ids.js';

describe('business numbers', () => {
  it('are unique and time-ordered even when the clock repeats or steps back', () => {
    const at = new Date('2026-11-23T01:00:00.000Z');
    const before = new Date('2026-11-23T00:59:59.000Z');
    const seen: string[] = [];
    for (let i = 0; i < 12000; i++) seen.push(newBusinessNumber('P', i % 3 === 0 ? before : at));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(seen);
    expect(seen[0]).toMatch(/^P20261123085959000[0-9A-F]{4}\d{4}$/);
    expect(seen[0].length).toBeLessThanOrEqual(32);
  });
});
