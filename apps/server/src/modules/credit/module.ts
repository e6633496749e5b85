// The credit module's wiring (routes, jobs), registered by modules/index.ts.

export { creditModule } from './routes.js';
