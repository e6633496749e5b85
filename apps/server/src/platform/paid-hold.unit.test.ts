import { describe, expect, it } from 'vitest';
import type { AppContext } from './context.js';
import { DomainError } from './errors.js';
import {
  definePaidHold,
  PAID_HOLD_CRONS,
  refundRequester,
  registerPaidHoldJobs,
  runCompensations,
  type Compensation,
} from './paid-hold.js';

type ExamState = 'locked' | 'paid' | 'confirmed' | 'checked_in' | 'completed' | 'expired' | 'cancelled';
type RegState = 'locked' | 'booked' | 'checked_in' | 'completed' | 'no_show' | 'expired' | 'cancelled';

const exam = definePaidHold<ExamState>({
  module: 'exams',
  states: { held: 'locked', paid: 'paid', expired: 'expired', cancelled: 'cancelled' },
  fulfilment: {
    paid: ['confirmed', 'checked_in', 'completed'],
    confirmed: ['checked_in', 'completed'],
    checked_in: ['completed'],
  },
  cancellableWhenPaid: ['paid', 'confirmed'],
  idField: 'bookingId',
  refundKey: (id) => `exam-booking:${id}`,
});

const registration = definePaidHold<RegState>({
  module: 'registration',
  states: { held: 'locked', paid: 'booked', expired: 'expired', cancelled: 'cancelled' },
  fulfilment: { booked: ['checked_in', 'no_show'], checked_in: ['completed'] },
  cancellableWhenPaid: ['booked'],
  idField: 'registrationId',
  refundKey: (id) => id,
});

/** Every (from, to) pair of a workflow, allowed by `expected` or not. */
function pairs<S extends string>(states: readonly S[], expected: Record<S, readonly S[]>) {
  return states.flatMap((from) => states.map((to) => ({ from, to, allowed: expected[from].includes(to) })));
}

describe('the paid-hold transition table', () => {
  const examExpected: Record<ExamState, readonly ExamState[]> = {
    locked: ['paid', 'expired', 'cancelled'],
    paid: ['confirmed', 'checked_in', 'completed', 'cancelled'],
    confirmed: ['checked_in', 'completed', 'cancelled'],
    checked_in: ['completed'],
    completed: [],
    expired: [],
    cancelled: [],
  };
  const regExpected: Record<RegState, readonly RegState[]> = {
    locked: ['booked', 'expired', 'cancelled'],
    booked: ['checked_in', 'cancelled', 'no_show'],
    checked_in: ['completed'],
    completed: [],
    no_show: [],
    expired: [],
    cancelled: [],
  };

  it('a hold is paid, expires or is cancelled; once paid it follows the business and may be cancelled where the business says', () => {
    expect(new Set(exam.states)).toEqual(new Set(Object.keys(examExpected)));
    for (const s of exam.states) expect(new Set(exam.transitions[s])).toEqual(new Set(examExpected[s]));
    expect(new Set(registration.states)).toEqual(new Set(Object.keys(regExpected)));
    for (const s of registration.states)
      expect(new Set(registration.transitions[s])).toEqual(new Set(regExpected[s]));
  });

  it('refuses every move the table does not name, with 409 STATE_TRANSITION_REFUSED', () => {
    let refused = 0;
    for (const [hold, expected] of [
      [exam, examExpected],
      [registration, regExpected],
    ] as const) {
      const h = hold as typeof exam;
      for (const { from, to, allowed } of pairs(h.states, expected as typeof examExpected)) {
        expect(h.canMove(from, to), `${from} → ${to}`).toBe(allowed);
        if (allowed) {
          expect(() => h.assertMove(from, to)).not.toThrow();
          continue;
        }
        refused++;
        let error: unknown;
        try {
          h.assertMove(from, to);
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: 'STATE_TRANSITION_REFUSED', status: 409, details: { from, to } });
      }
    }
    // 49 pairs each: 11 allowed for exams, 7 for registration
    expect(refused).toBe(49 - 11 + (49 - 7));
  });

  it('ended holds stay ended, nothing returns to the hold, and only a live hold expires or is paid', () => {
    for (const h of [exam, registration] as (typeof exam)[]) {
      const { held, paid, expired, cancelled } = h.spec.states;
      expect(h.transitions[expired]).toEqual([]);
      expect(h.transitions[cancelled]).toEqual([]);
      expect(h.sourcesOf(held)).toEqual([]);
      expect(h.sourcesOf(expired)).toEqual([held]);
      expect(h.sourcesOf(paid)).toEqual([held]);
    }
    expect(exam.sourcesOf('cancelled')).toEqual(['locked', 'paid', 'confirmed']);
    expect(exam.sourcesOf('completed')).toEqual(['paid', 'confirmed', 'checked_in']);
    expect(registration.sourcesOf('cancelled')).toEqual(['locked', 'booked']);
    expect(() => exam.assertMove('nonsense' as ExamState, 'paid')).toThrow(DomainError);
  });

  it('refuses a workflow whose fulfilment leads back to the hold or whose cancellable states are not paid ones', () => {
    const base = {
      module: 'x',
      states: { held: 'h', paid: 'p', expired: 'e', cancelled: 'c' },
      idField: 'id',
      refundKey: (id: string) => id,
    };
    expect(() => definePaidHold({ ...base, fulfilment: { p: ['h'] }, cancellableWhenPaid: [] })).toThrow(
      /may not lead to h/,
    );
    expect(() => definePaidHold({ ...base, cancellableWhenPaid: ['e'] })).toThrow(/not a paid state/);
    expect(() =>
      definePaidHold({ ...base, states: { ...base.states, expired: 'c' }, cancellableWhenPaid: [] }),
    ).toThrow(/must differ/);
  });
});

describe('compensation', () => {
  it('ending an unpaid hold gives the place back with the state change, then closes its order', () => {
    expect(exam.compensationsOnEnd(false)).toEqual({
      inTransaction: ['release'],
      afterCommit: ['closeOrder'],
    });
  });

  it('ending a paid hold gives the place back with the state change, then refunds: a paid order is never closed', () => {
    expect(exam.compensationsOnEnd(true)).toEqual({ inTransaction: ['release'], afterCommit: ['refund'] });
  });

  it('a failed step undoes the steps before it, last done first', () => {
    expect(exam.compensationsOnFailure('hold')).toEqual([]);
    expect(exam.compensationsOnFailure('openPayment')).toEqual(['release']);
    expect(exam.compensationsOnFailure('pay')).toEqual(['closeOrder', 'release']);
  });

  it('runs the compensations in the order given and skips the ones the business has nothing for', async () => {
    const ran: Compensation[] = [];
    const step = (c: Compensation) => async () => void ran.push(c);
    await runCompensations(['refund', 'closeOrder', 'release'], {
      release: step('release'),
      refund: step('refund'),
    });
    expect(ran).toEqual(['refund', 'release']);
  });

  it('refunds are keyed by the hold and credited to who asked', () => {
    expect(exam.refundKey('b1')).toBe('exam-booking:b1');
    expect(registration.refundKey('r1')).toBe('r1');
    expect(refundRequester('staff:42')).toBe('staff:42');
    expect(refundRequester('patient')).toBe('patient');
    expect(refundRequester('system:exam-system')).toBe('system');
    expect(refundRequester(null)).toBe('system');
  });
});

describe('sweep jobs', () => {
  it('registers the delayed expiry, the minute sweep and the refund retry under the module name', async () => {
    const registered = new Map<string, { handler: (d: any) => Promise<void>; cron?: string }>();
    const ctx = {
      jobs: {
        register: (name: string, handler: (d: any) => Promise<void>, opts: { cron?: string } = {}) =>
          registered.set(name, { handler, cron: opts.cron }),
      },
    } as unknown as AppContext;
    const calls: string[] = [];
    registerPaidHoldJobs(ctx, exam, {
      expireLock: async (id) => calls.push(`expire ${id}`),
      releaseExpiredLocks: async () => calls.push('sweep'),
      retryRefunds: async () => calls.push('refunds'),
    });
    expect([...registered.keys()]).toEqual([
      'exams.expire-lock',
      'exams.release-expired-locks',
      'exams.retry-refunds',
    ]);
    expect(registered.get('exams.expire-lock')!.cron).toBeUndefined();
    expect(registered.get('exams.release-expired-locks')!.cron).toBe(PAID_HOLD_CRONS.releaseExpiredLocks);
    expect(registered.get('exams.retry-refunds')!.cron).toBe('*/5 * * * *');
    await registered.get('exams.expire-lock')!.handler({ bookingId: 'b1' });
    await registered.get('exams.release-expired-locks')!.handler({});
    await registered.get('exams.retry-refunds')!.handler({});
    expect(calls).toEqual(['expire b1', 'sweep', 'refunds']);
  });
});
