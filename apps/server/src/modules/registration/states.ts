import { definePaidHold } from '../../platform/paid-hold.js';
import type { RegistrationState } from './schema.js';

/**
 * The registration state machine. Every change is a compare-and-set on the current state
 * (`UPDATE registrations ... WHERE id = $1 AND state IN (from)`), so a late payment, a duplicate
 * cancel or the expiry sweep racing a payment can move a registration only once.
 *
 *   locked ──paid / zero fee / paid at the channel──▶ booked ──check-in──▶ checked_in ──▶ completed
 *     │                                                 │
 *     ├──deadline passed──▶ expired                     ├──session ended unchecked──▶ no_show
 *     └──cancel──▶ cancelled ◀──────────cancel──────────┘   (a paid one carries its refund status)
 *
 * It is the platform's paid-hold workflow (platform/paid-hold.ts) with 'booked' as the paid state and
 * the visit (check-in, no-show, completion) after it.
 */
export const registrationHold = definePaidHold<RegistrationState>({
  module: 'registration',
  states: { held: 'locked', paid: 'booked', expired: 'expired', cancelled: 'cancelled' },
  fulfilment: { booked: ['checked_in', 'no_show'], checked_in: ['completed'] },
  cancellableWhenPaid: ['booked'],
  idField: 'registrationId',
  // the registration id itself: refunds requested before the workflow existed used it
  refundKey: (registrationId) => registrationId,
});

export const TRANSITIONS: Readonly<Record<RegistrationState, readonly RegistrationState[]>> =
  registrationHold.transitions;

/** The states `to` may be reached from. */
export function sourcesOf(to: RegistrationState): RegistrationState[] {
  return registrationHold.sourcesOf(to);
}

/** States in which a registration holds its slot. */
export const LIVE_STATES: RegistrationState[] = ['locked', 'booked'];
/** States that count towards the per-patient limits (a visit that happened still used a number). */
export const COUNTED_STATES: RegistrationState[] = ['locked', 'booked', 'checked_in', 'completed'];
