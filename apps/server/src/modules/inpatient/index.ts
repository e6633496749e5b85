// Public surface of the inpatient module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { inpatientAdmissions, inpatientCharges } from './schema.js';
export type { DepositState, SettlementState } from './schema.js';
export { listAdmissions, registerInpatientTemplates } from './service.js';
