// The pharmacy module's wiring (routes, jobs), registered by modules/index.ts.

export { pharmacyModule } from './routes.js';
