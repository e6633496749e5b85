// The insurance module's wiring (routes, jobs), registered by modules/index.ts.

export { insuranceModule } from './routes.js';
