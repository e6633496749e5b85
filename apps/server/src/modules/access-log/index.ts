// Public surface of the access-log module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { recordPatientAccess } from './service.js';
