// The workbench module's wiring (routes, jobs), registered by modules/index.ts.

export { workbenchModule } from './routes.js';
