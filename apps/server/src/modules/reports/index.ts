// Public surface of the reports module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { FLAGS, REPORT_KINDS, REPORT_SETTINGS, REPORT_STATUSES } from './schema.js';
export { reportsSeed } from './seed.js';
export { getReportForAccount, listReports, reportDetail } from './service.js';
