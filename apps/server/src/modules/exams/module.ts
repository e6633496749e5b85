// The exams module's wiring (routes, jobs), registered by modules/index.ts.

export { examsModule } from './routes.js';
