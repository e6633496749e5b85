import { describe, expect, it } from 'vitest';
import type { RegistrationState } from './schema.js';
import { LIVE_STATES, registrationHold, sourcesOf, TRANSITIONS } from './states.js';

// A registration is the platform's paid hold: locked → booked (paid) → the visit.
const EXPECTED: Record<RegistrationState, readonly RegistrationState[]> = {
  locked: ['booked', 'expired', 'cancelled'],
  booked: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['completed'],
  completed: [],
  expired: [],
  cancelled: [],
  no_show: [],
};

const REGISTRATION_STATES = Object.keys(EXPECTED) as RegistrationState[];

describe('registration states', () => {
  it('every registration state is in the table, with exactly the moves the registration rules allow', () => {
    expect(new Set(registrationHold.states)).toEqual(new Set(REGISTRATION_STATES));
    for (const from of REGISTRATION_STATES) {
      expect(new Set(TRANSITIONS[from]), from).toEqual(new Set(EXPECTED[from]));
      for (const to of REGISTRATION_STATES)
        expect(registrationHold.canMove(from, to), `${from} → ${to}`).toBe(EXPECTED[from].includes(to));
    }
  });

  it('a registration is booked or expires only while locked, and is cancelled only while it holds its slot', () => {
    expect(sourcesOf('booked')).toEqual(['locked']);
    expect(sourcesOf('expired')).toEqual(['locked']);
    expect(new Set(sourcesOf('cancelled'))).toEqual(new Set(LIVE_STATES));
    expect(() => registrationHold.assertMove('checked_in', 'cancelled')).toThrow(/cannot move/);
  });

  it('keeps its job names and refunds keyed by the registration', () => {
    expect(registrationHold.jobs).toEqual({
      expireLock: 'registration.expire-lock',
      releaseExpiredLocks: 'registration.release-expired-locks',
      retryRefunds: 'registration.retry-refunds',
    });
    expect(registrationHold.refundKey('r-1')).toBe('r-1');
  });
});
