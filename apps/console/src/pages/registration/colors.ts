import type { BusinessRefundState, RegistrationState } from '@qingnang/contracts';

/** Tag colours of registration states (the words are the shared labels'). */
export const REGISTRATION_STATE_COLORS: Partial<Record<RegistrationState, string>> = {
  locked: 'orange',
  booked: 'green',
  checked_in: 'blue',
  completed: 'cyan',
  no_show: 'red',
};

export const REGISTRATION_REFUND_COLORS: Partial<Record<BusinessRefundState, string>> = {
  pending: 'orange',
  requested: 'orange',
  processing: 'orange',
  succeeded: 'blue',
  failed: 'red',
};
