import { describe, expect, it } from 'vitest';
import { formatBusinessNumber } from './ids.js';

describe('business numbers', () => {
  it("read as prefix, the hospital's date and the running number, and fit a WeChat Pay order number", () => {
    const no = formatBusinessNumber('P', '2026-11-23', 1234);
    expect(no).toBe('P202611230000001234');
    expect(formatBusinessNumber('EIR', '2026-11-23', '9999999999').length).toBeLessThanOrEqual(32);
  });

  it('sort by day, then in the order they were drawn, and never lose digits past ten billion', () => {
    const drawn = [
      formatBusinessNumber('P', '2026-11-23', 9),
      formatBusinessNumber('P', '2026-11-23', 10),
      formatBusinessNumber('P', '2026-11-23', 123_456),
      formatBusinessNumber('P', '2026-11-24', 123_457),
    ];
    expect([...drawn].sort()).toEqual(drawn);
    expect(formatBusinessNumber('P', '2026-11-23', '12345678901')).toBe('P2026112312345678901');
  });
});
