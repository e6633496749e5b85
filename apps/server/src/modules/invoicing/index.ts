// Public surface of the invoicing module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { einvoices } from './schema.js';
export { ISSUE_JOB, SWEEP_JOB } from './service.js';
export { registerInvoicingTemplates } from './templates.js';
