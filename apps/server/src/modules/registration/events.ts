import { defineEvent } from '../../platform/events.js';

/** A booking was paid online (published in the confirming transaction). */
export const RegistrationPaid = defineEvent<{ registrationId: string }>('registration.paid');

/** A patient checked in (published in the check-in transaction): the visit opens. */
export const RegistrationCheckedIn = defineEvent<{ registrationId: string }>('registration.checked-in');
