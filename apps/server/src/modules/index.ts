import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../platform/context.js';
import { systemModule } from './system/module.js';
import { identityModule } from './identity/module.js';
import { staffModule } from './staff/module.js';
import { directoryModule } from './directory/module.js';
import { schedulingModule } from './scheduling/module.js';
import { registrationModule } from './registration/module.js';
import { blacklistModule } from './blacklist/module.js';
import { gatewayModule } from './gateway/module.js';
import { paymentsModule } from './payments/module.js';
import { notificationsModule } from './notifications/module.js';
import { reportsModule } from './reports/module.js';
import { inpatientModule } from './inpatient/module.js';
import { billingModule } from './billing/module.js';
import { insuranceModule } from './insurance/module.js';
import { invoicingModule } from './invoicing/module.js';
import { creditModule } from './credit/module.js';
import { hisOutboundModule } from '../integrations/his/outbound.js';
import { registrationHisModule } from './registration/module.js';
import { examsModule } from './exams/module.js';
import { pharmacyModule } from './pharmacy/module.js';
import { visitCardBackfillModule } from './identity/module.js';
import { accessLogModule } from './access-log/module.js';
import { workbenchModule } from './workbench/module.js';

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
  registrationHisModule,
  hisOutboundModule,
  examsModule,
  pharmacyModule,
  visitCardBackfillModule,
  accessLogModule,
  workbenchModule,
];
