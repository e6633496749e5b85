// The inpatient module's wiring (routes, jobs), registered by modules/index.ts.

export { inpatientModule } from './routes.js';
