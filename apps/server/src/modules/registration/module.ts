// The registration module's wiring (routes, jobs), registered by modules/index.ts.

export { registrationModule } from './routes.js';
export { registrationHisModule } from './his-events.js';
