import { definePaidHold } from '../../platform/paid-hold.js';
import type { BookingState } from './schema.js';

/**
 * The exam booking state machine. Every change is a compare-and-set on the current state
 * (`UPDATE exam_bookings ... WHERE id = $1 AND state IN (from)`), so a late payment, a duplicate push
 * from the exam system or the expiry sweep racing a payment moves a booking only once.
 *
 *   locked ──paid──▶ paid ──exam system accepted──▶ confirmed ──check-in──▶ checked_in ──▶ completed
 *     │                │                                │
 *     ├──deadline──▶ expired                            │
 *     └──cancel──▶ cancelled ◀───────cancel (refund)────┘
 *
 * The exam system may report a check-in or completion of a booking it holds before its acceptance
 * reached us, so those pushes also start from 'paid'.
 *
 * The lock → pay → expire / cancel → refund part is the platform's paid-hold workflow
 * (platform/paid-hold.ts): its table, its sweep jobs and its compensations (give the place back,
 * close the order, refund keyed by the booking).
 */
export const examHold = definePaidHold<BookingState>({
  module: 'exams',
  states: { held: 'locked', paid: 'paid', expired: 'expired', cancelled: 'cancelled' },
  fulfilment: {
    paid: ['confirmed', 'checked_in', 'completed'],
    confirmed: ['checked_in', 'completed'],
    checked_in: ['completed'],
  },
  cancellableWhenPaid: ['paid', 'confirmed'],
  idField: 'bookingId',
  refundKey: (bookingId) => `exam-booking:${bookingId}`,
});

export const TRANSITIONS: Readonly<Record<BookingState, readonly BookingState[]>> = examHold.transitions;

export function sourcesOf(to: BookingState): BookingState[] {
  return examHold.sourcesOf(to);
}

/** States in which a booking holds a place on its date (the unique index in 0900 names the same). */
export const ACTIVE_STATES: BookingState[] = ['locked', 'paid', 'confirmed', 'checked_in'];
/** States in which the patient may still move or cancel the booking (inside the change window). */
export const CHANGEABLE_STATES: BookingState[] = ['locked', 'paid', 'confirmed'];
