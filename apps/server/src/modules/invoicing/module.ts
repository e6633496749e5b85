// The invoicing module's wiring (routes, jobs), registered by modules/index.ts.

export { invoicingModule } from './routes.js';
