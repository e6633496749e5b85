// The identity module's wiring (routes, jobs), registered by modules/index.ts.

export { identityModule } from './routes.js';
export { visitCardBackfillModule } from './visit-card-backfill.js';
