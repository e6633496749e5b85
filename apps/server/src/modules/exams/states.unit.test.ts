import { describe, expect, it } from 'vitest';
import { BOOKING_STATES, type BookingState } from './schema.js';
import { ACTIVE_STATES, CHANGEABLE_STATES, examHold, sourcesOf, TRANSITIONS } from './states.js';

// The exam booking's lifecycle is the platform's paid hold with the exam system's steps after payment.
const EXPECTED: Record<BookingState, readonly BookingState[]> = {
  locked: ['paid', 'expired', 'cancelled'],
  paid: ['confirmed', 'checked_in', 'completed', 'cancelled'],
  confirmed: ['checked_in', 'completed', 'cancelled'],
  checked_in: ['completed'],
  completed: [],
  cancelled: [],
  expired: [],
};

describe('exam booking states', () => {
  it('every booking state is in the table, with exactly the moves the booking rules allow', () => {
    expect(new Set(Object.keys(TRANSITIONS))).toEqual(new Set(BOOKING_STATES));
    for (const from of BOOKING_STATES) {
      expect(new Set(TRANSITIONS[from]), from).toEqual(new Set(EXPECTED[from]));
      for (const to of BOOKING_STATES)
        expect(examHold.canMove(from, to), `${from} → ${to}`).toBe(EXPECTED[from].includes(to));
    }
  });

  it('a booking is paid or expires only while locked, and is cancelled only before the exam', () => {
    expect(sourcesOf('paid')).toEqual(['locked']);
    expect(sourcesOf('expired')).toEqual(['locked']);
    expect(new Set(sourcesOf('cancelled'))).toEqual(new Set(CHANGEABLE_STATES));
    expect(() => examHold.assertMove('checked_in', 'cancelled')).toThrow(/cannot move/);
  });

  it('a booking holds its place in every state that can still reach the exam', () => {
    for (const s of ACTIVE_STATES) expect(TRANSITIONS[s].length, s).toBeGreaterThan(0);
    expect(examHold.jobs).toEqual({
      expireLock: 'exams.expire-lock',
      releaseExpiredLocks: 'exams.release-expired-locks',
      retryRefunds: 'exams.retry-refunds',
    });
    expect(examHold.refundKey('b-1')).toBe('exam-booking:b-1');
  });
});
