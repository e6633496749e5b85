// Every module's Drizzle tables, gathered for the client. The SQL in migrations/ is the source of
// truth for the database; these definitions mirror it for typed queries.
export * from '../platform/schema.js';
export * from '../modules/identity/schema.js';
export * from '../modules/staff/schema.js';
export * from '../modules/directory/schema.js';
export * from '../modules/scheduling/schema.js';
export * from '../modules/registration/schema.js';
export * from '../modules/payments/schema.js';
export * from '../integrations/payments/sandbox/schema.js';
export * from '../modules/notifications/schema.js';
export * from '../modules/blacklist/schema.js';
export * from '../modules/gateway/schema.js';
export * from '../modules/inpatient/schema.js';
export * from '../modules/billing/schema.js';
export * from '../modules/invoicing/schema.js';
export * from '../modules/credit/schema.js';
export * from '../modules/reports/schema.js';
export * from '../modules/insurance/schema.js';
