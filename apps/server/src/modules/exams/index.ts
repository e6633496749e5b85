// Public surface of the exams module: the only file other modules, the app, tools and tests may import.
// Everything not exported here is internal to the module.

export { BOOKING_STATES } from './schema.js';
export { examsSeed } from './seed.js';
export { registerExamTemplates } from './templates.js';
