import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../platform/context.js';

/** The finance console's API (payment orders, refunds, abnormal orders). */
export async function registerFinanceRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
