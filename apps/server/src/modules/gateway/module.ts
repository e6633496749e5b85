// The gateway module's wiring (routes, jobs), registered by modules/index.ts.

export { gatewayModule } from './routes.js';
