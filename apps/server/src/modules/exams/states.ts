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
 */
export const TRANSITIONS: Record<BookingState, readonly BookingState[]> = {
  locked: ['paid', 'expired', 'cancelled'],
  paid: ['confirmed', 'checked_in', 'completed', 'cancelled'],
  confirmed: ['checked_in', 'completed', 'cancelled'],
  checked_in: ['completed'],
  completed: [],
  cancelled: [],
  expired: [],
};

export function sourcesOf(to: BookingState): BookingState[] {
  return (Object.keys(TRANSITIONS) as BookingState[]).filter((from) => TRANSITIONS[from].includes(to));
}

/** States in which a booking holds a place on its date (the unique index in 0900 names the same). */
export const ACTIVE_STATES: BookingState[] = ['locked', 'paid', 'confirmed', 'checked_in'];
/** States in which the patient may still move or cancel the booking (inside the change window). */
export const CHANGEABLE_STATES: BookingState[] = ['locked', 'paid', 'confirmed'];
