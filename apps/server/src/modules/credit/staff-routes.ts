import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { audit } from '../../platform/audit.js';
import { requireStaff } from '../../platform/auth.js';
import { DomainError } from '../../platform/errors.js';
import { resumeCreditByStaff, suspendCreditByStaff } from './service.js';
import {
  AdminCreditAccountsResumePostResponse,
  AdminCreditAccountsSuspendPostResponse,
  CreditStaffAdminCreditAccountsResumePostBody,
} from '@qingnang/contracts';

const Params = z.object({ id: z.string().min(1).max(64) }).strict();
const SuspendBody = z
  .object({
    reason: z
      .string()
      .trim()
      .min(2)
      .max(200)
      .refine((v) => !v.includes('\u0000'), 'NUL characters are not allowed'),
  })
  .strict();

/**
 * Finance console (PAY-12/13): suspends and resumes a patient's credit care by hand. The list is
 * `GET /v1/admin/credit/accounts` (routes.ts). Every change is audited with its outcome, refusals too.
 */
export async function registerCreditStaffRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['credit (console)'];
  const manage = requireStaff(ctx, 'credit.manage');

  const audited = async <T>(
    req: Parameters<typeof audit>[1],
    action: string,
    id: string,
    detail: Record<string, unknown>,
    run: () => Promise<T>,
  ): Promise<T> => {
    try {
      const out = await run();
      await audit(ctx, req, { action, objectType: 'credit_account', objectId: id, detail });
      return out;
    } catch (err) {
      if (err instanceof DomainError)
        await audit(ctx, req, {
          action,
          objectType: 'credit_account',
          objectId: id,
          outcome: 'failed',
          detail: { ...detail, code: err.code },
        });
      throw err;
    }
  };

  app.post(
    '/v1/admin/credit/accounts/:id/suspend',
    {
      schema: {
        tags,
        summary: '人工暂停信用就医（须填写原因，患者收到通知）',
        params: Params,
        body: SuspendBody,
        response: { 200: AdminCreditAccountsSuspendPostResponse },
      },
      preHandler: manage,
    },
    async (req) =>
      audited(req, 'credit.accounts.suspend', req.params.id, { reason: req.body.reason }, () =>
        suspendCreditByStaff(ctx, req.params.id, req.body.reason),
      ),
  );

  app.post(
    '/v1/admin/credit/accounts/:id/resume',
    {
      schema: {
        tags,
        summary: '恢复已暂停的信用就医（逾期未结清时拒绝）',
        params: Params,
        body: CreditStaffAdminCreditAccountsResumePostBody,
        response: { 200: AdminCreditAccountsResumePostResponse },
      },
      preHandler: manage,
    },
    async (req) =>
      audited(req, 'credit.accounts.resume', req.params.id, {}, () =>
        resumeCreditByStaff(ctx, req.params.id),
      ),
  );
}
