// The scheduling module's wiring (routes, jobs), registered by modules/index.ts.

export { schedulingModule } from './routes.js';
