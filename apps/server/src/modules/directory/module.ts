// The directory module's wiring (routes, jobs), registered by modules/index.ts.

export { directoryModule } from './routes.js';
