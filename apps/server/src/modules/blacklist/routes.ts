import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../platform/context.js';
import { requireStaff } from '../../platform/auth.js';
import { paging, text } from '../../platform/zod.js';
import type { Module } from '../index.js';
import {
  addManualEntry,
  createRule,
  deleteRule,
  getRule,
  liftEntry,
  listEntries,
  listRules,
  updateRule,
} from './service.js';
import type { blacklistEntries, blacklistRules } from './schema.js';
import {
  BlacklistEntry as Entry,
  BlacklistIdParams as IdParams,
  BlacklistRule as Rule,
  BlacklistRuleBody as RuleBody,
  BlacklistRulePatch as RulePatch,
  NoContent,
} from '@qingnang/contracts';

const tags = ['blacklist'];

export const blacklistModule: Module = {
  name: 'blacklist',
  async register(scope: FastifyInstance, ctx: AppContext) {
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const manage = requireStaff(ctx, 'blacklist.manage');

    app.get(
      '/v1/admin/blacklist-rules',
      {
        preHandler: manage,
        schema: { tags, summary: '黑名单规则列表', response: { 200: z.object({ items: z.array(Rule) }) } },
      },
      async () => ({ items: (await listRules(ctx)).map(toRule) }),
    );

    app.get(
      '/v1/admin/blacklist-rules/:id',
      {
        preHandler: manage,
        schema: { tags, summary: '黑名单规则详情', params: IdParams, response: { 200: Rule } },
      },
      async (req) => toRule(await getRule(ctx, req.params.id)),
    );

    app.post(
      '/v1/admin/blacklist-rules',
      {
        preHandler: manage,
        schema: { tags, summary: '新增黑名单规则', body: RuleBody, response: { 201: Rule } },
      },
      async (req, reply) => reply.status(201).send(toRule(await createRule(ctx, req, req.body))),
    );

    app.patch(
      '/v1/admin/blacklist-rules/:id',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '修改黑名单规则',
          params: IdParams,
          body: RulePatch,
          response: { 200: Rule },
        },
      },
      async (req) => toRule(await updateRule(ctx, req, req.params.id, req.body)),
    );

    app.delete(
      '/v1/admin/blacklist-rules/:id',
      {
        preHandler: manage,
        schema: { tags, summary: '删除黑名单规则', params: IdParams, response: { 204: NoContent } },
      },
      async (req, reply) => {
        await deleteRule(ctx, req, req.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/v1/admin/blacklist',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '黑名单记录（可按就诊人、状态、来源筛选）',
          querystring: z
            .object({
              patientId: z.string().uuid().optional(),
              status: z.enum(['active', 'scheduled', 'expired', 'lifted']).optional(),
              source: z.enum(['rule', 'manual']).optional(),
              ...paging(),
            })
            .strict(),
          response: { 200: z.object({ total: z.number(), items: z.array(Entry) }) },
        },
      },
      async (req) => {
        const r = await listEntries(ctx, req, req.query);
        return { total: r.total, items: r.items.map(toEntry) };
      },
    );

    app.post(
      '/v1/admin/blacklist',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '手动加入黑名单',
          body: z
            .object({
              patientId: z.string().uuid(),
              reason: text(200),
              days: z.number().int().min(1).max(3650),
            })
            .strict(),
          response: { 201: Entry },
        },
      },
      async (req, reply) => reply.status(201).send(toEntry(await addManualEntry(ctx, req, req.body))),
    );

    app.post(
      '/v1/admin/blacklist/:id/lift',
      {
        preHandler: manage,
        schema: {
          tags,
          summary: '解除黑名单',
          params: IdParams,
          body: z.object({ reason: text(200) }).strict(),
          response: { 200: Entry },
        },
      },
      async (req) => toEntry(await liftEntry(ctx, req, req.params.id, req.body.reason)),
    );
  },
};

function toRule(r: typeof blacklistRules.$inferSelect) {
  return {
    id: r.id,
    name: r.name,
    triggerKind: r.triggerKind,
    threshold: r.threshold,
    periodDays: r.periodDays,
    banDays: r.banDays,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toEntry(
  e: typeof blacklistEntries.$inferSelect & {
    ruleName: string | null;
    patientNameMasked: string | null;
    status: 'active' | 'scheduled' | 'expired' | 'lifted';
  },
) {
  return {
    id: e.id,
    patientId: e.patientId,
    patientNameMasked: e.patientNameMasked,
    reason: e.reason,
    source: e.source,
    ruleId: e.ruleId,
    ruleName: e.ruleName,
    status: e.status,
    startsAt: e.startsAt.toISOString(),
    endsAt: e.endsAt.toISOString(),
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    liftedAt: e.liftedAt?.toISOString() ?? null,
    liftedBy: e.liftedBy,
    liftReason: e.liftReason,
  };
}
