// Public surface of the registration module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { RegistrationCheckedIn, RegistrationPaid } from './events.js';
export { checkedInEventId, registrationPaidEventId } from './his-events.js';
export { registrations } from './schema.js';
export type { RegistrationState } from './schema.js';
export { NO_SHOW_JOB } from './shared.js';
export type { Registration } from './shared.js';
export { lockSlot } from './booking.js';
export { confirmRegistration } from './payment.js';
export { cancelRegistration } from './cancellation.js';
export { confirmRegistrationPaidByInsurance, registerInsuredFeeRefunder } from './insured-fee.js';
export { loadRegistration, namesFor, ownRegistration } from './queries.js';
export { maskPersonName } from './console.js';
export { assertWithinScope, clinicalScopeOf, isDoctorDesk, isNurseDesk, staffLinkOf } from './staff-scope.js';
export type { ClinicalScope } from './staff-scope.js';
export { registerRegistrationTemplates } from './templates.js';
export { registrationPatientNames } from './names.js';
export { clinicDayCounts, registrationsOfClinics } from './clinic-day.js';
