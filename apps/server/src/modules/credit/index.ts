// Public surface of the credit module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { registerCreditTemplates } from './templates.js';
