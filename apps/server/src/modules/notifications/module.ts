// The notifications module's wiring (routes, jobs), registered by modules/index.ts.

export { notificationsModule } from './routes.js';
