import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../platform/context.js';
import { principalOf, requirePatient } from '../../platform/auth.js';
import type { Module } from '../index.js';
import { listAccessLog } from './service.js';
import {
  AccessLogPatientsAccessLogParams,
  AccessLogPatientsAccessLogQuery,
  PatientsAccessLogListResponse,
} from '@qingnang/contracts';

export const accessLogModule: Module = {
  name: 'access-log',
  async register(scope: FastifyInstance, ctx: AppContext) {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    // Append-only by design: the log is read here and nowhere written or changed through the API.
    app.get(
      '/v1/patients/:id/access-log',
      {
        schema: {
          tags: ['identity: patients'],
          security: [{ bearer: [] }],
          summary: '查询记录：谁在何时、以何依据查看了该就诊人的哪类记录（员工按角色与科室显示），新的在前',
          params: AccessLogPatientsAccessLogParams,
          querystring: AccessLogPatientsAccessLogQuery,
          response: { 200: PatientsAccessLogListResponse },
        },
        preHandler: requirePatient(ctx),
      },
      async (req) => listAccessLog(ctx, principalOf(req).id, req.params.id, req.query),
    );
  },
};
