// The access-log module's wiring (routes, jobs), registered by modules/index.ts.

export { accessLogModule } from './routes.js';
