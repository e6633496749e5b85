// The blacklist module's wiring (routes, jobs), registered by modules/index.ts.

export { blacklistModule } from './routes.js';
