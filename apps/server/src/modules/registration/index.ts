// Public surface of the registration module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { RegistrationCheckedIn, RegistrationPaid } from './events.js';
export { checkedInEventId, registrationPaidEventId } from './his-events.js';
export { registrations } from './schema.js';
export type { RegistrationState } from './schema.js';
export {
  NO_SHOW_JOB,
  cancelRegistration,
  confirmRegistration,
  confirmRegistrationPaidByInsurance,
  loadRegistration,
  lockSlot,
  maskPersonName,
  namesFor,
  ownRegistration,
  registerInsuredFeeRefunder,
} from './service.js';
export type { Registration } from './service.js';
export { assertWithinScope, clinicalScopeOf, isDoctorDesk, isNurseDesk, staffLinkOf } from './staff-scope.js';
export type { ClinicalScope } from './staff-scope.js';
export { registerRegistrationTemplates } from './templates.js';
export { registrationPatientNames } from './names.js';
export { clinicDayCounts, registrationsOfClinics } from './clinic-day.js';
