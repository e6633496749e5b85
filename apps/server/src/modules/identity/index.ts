// Public surface of the identity module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { accountContacts, accountIdsIn, accountIdsPage } from './accounts.js';
export { gb11643CheckChar } from './id-documents.js';
export { normalisePhone, piiCipher } from './pii.js';
export { patients } from './schema.js';
export type { Relation } from './schema.js';
export {
  RELATION_LABELS,
  addPatient,
  blindIndexOf,
  findAccountPatientsByPerson,
  findPatientsByIdNumber,
  findPatientsByPerson,
  findPatientsByVisitCard,
  getPatientById,
  getPatientForAccount,
  getPatientForRecords,
  listPatients,
} from './service.js';
export type { PatientRecord } from './service.js';
export { PatientRemoved, VisitCardBound, cardBoundEventId } from './visit-card-bound.js';
export type { BoundVisitCard } from './visit-card-bound.js';
export { belongsTo, ownerOfRecord, personFilter } from './records.js';
export type { PersonRef } from './records.js';
export { patientNames } from './names.js';
