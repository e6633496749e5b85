// The system module's wiring (routes, jobs), registered by modules/index.ts.

export { systemModule } from './routes.js';
