// The reports module's wiring (routes, jobs), registered by modules/index.ts.

export { reportsModule } from './routes.js';
