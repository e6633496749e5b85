// The billing module's wiring (routes, jobs), registered by modules/index.ts.

export { billingModule } from './routes.js';
