// The registration module's wiring (routes, jobs), registered by modules/index.ts.

export { hisEventsModule } from './his-events.js';
export { registrationModule } from './routes.js';
