// The payments module's wiring (routes, jobs), registered by modules/index.ts.

export { paymentsModule } from './routes.js';
