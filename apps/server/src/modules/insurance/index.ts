// Public surface of the insurance module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { insuranceSettlements } from './schema.js';
export type { InsuranceSettlementState } from './schema.js';
export { insuranceSplitOf } from './helpers.js';
export { registerInsuranceTemplates } from './templates.js';
