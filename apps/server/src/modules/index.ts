import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { systemModule } from './system/routes.js';
import { identityModule } from './identity/routes.js';
import { staffModule } from './staff/routes.js';
import { directoryModule } from './directory/routes.js';
import { schedulingModule } from './scheduling/routes.js';
import { registrationModule } from './registration/routes.js';
import { blacklistModule } from './blacklist/routes.js';
import { gatewayModule } from './gateway/routes.js';
import { paymentsModule } from './payments/routes.js';
import { notificationsModule } from './notifications/routes.js';
import { reportsModule } from './reports/routes.js';
import { inpatientModule } from './inpatient/routes.js';
import { billingModule } from './billing/routes.js';
import { insuranceModule } from './insurance/routes.js';
import { invoicingModule } from './invoicing/routes.js';
import { creditModule } from './credit/routes.js';
import { hisEventsModule } from './registration/his-events.js';
import { examsModule } from './exams/routes.js';
import { pharmacyModule } from './pharmacy/routes.js';
import { visitCardBackfillModule } from './identity/visit-card-backfill.js';
import { accessLogModule } from './access-log/routes.js';
import { workbenchModule } from './workbench/routes.js';

export interface Module {
  name: string;
  /** Registers routes (under /api) and jobs (ctx.jobs.register). */
  register(app: FastifyInstance, ctx: AppContext): Promise<void>;
}

export const modules: Module[] = [
  systemModule,
  notificationsModule,
  identityModule,
  staffModule,
  directoryModule,
  schedulingModule,
  paymentsModule,
  registrationModule,
  blacklistModule,
  gatewayModule,
  inpatientModule,
  billingModule,
  insuranceModule,
  invoicingModule,
  creditModule,
  reportsModule,
  hisEventsModule,
  examsModule,
  pharmacyModule,
  visitCardBackfillModule,
  accessLogModule,
  workbenchModule,
];
