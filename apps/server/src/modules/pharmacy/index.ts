// Public surface of the pharmacy module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { PRESCRIPTION_STATES } from './schema.js';
export { POLL_JOB, UPLOAD_JOB, staffList } from './service.js';
export { registerPrescriptionTemplates } from './templates.js';
export { dispensedPrescriptionDrugs, prescriptionCountsByVisit, prescriptionsOfVisit } from './visits.js';
