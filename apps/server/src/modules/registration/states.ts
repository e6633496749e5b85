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
 */
export const TRANSITIONS: Record<RegistrationState, readonly RegistrationState[]> = {
  locked: ['booked', 'expired', 'cancelled'],
  booked: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['completed'],
  completed: [],
  expired: [],
  cancelled: [],
  no_show: [],
};

/** The states `to` may be reached from. */
export function sourcesOf(to: RegistrationState): RegistrationState[] {
  return (Object.keys(TRANSITIONS) as RegistrationState[]).filter((from) => TRANSITIONS[from].includes(to));
}

/** States in which a registration holds its slot. */
export const LIVE_STATES: RegistrationState[] = ['locked', 'booked'];
/** States that count towards the per-patient limits (a visit that happened still used a number). */
export const COUNTED_STATES: RegistrationState[] = ['locked', 'booked', 'checked_in', 'completed'];
