// The staff module's wiring (routes, jobs), registered by modules/index.ts.

export { staffModule } from './routes.js';
