/** The blacklist module's API: its requests, its answers and its error codes with their messages. */
import { z } from 'zod';
import { text } from './common.js';
import { defineErrorCatalogue } from './errors.js';

const RuleFields = {
  name: text(100),
  triggerKind: z.enum(['no_shows', 'cancellations']),
  threshold: z.number().int().min(1).max(100),
  periodDays: z.number().int().min(1).max(3650),
  banDays: z.number().int().min(1).max(3650),
};
export const BlacklistRuleBody = z.object({ ...RuleFields, enabled: z.boolean().default(true) }).strict();
export const BlacklistRulePatch = z
  .object({ ...RuleFields, enabled: z.boolean() })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

export const BlacklistRule = z.object({
  id: z.string(),
  name: z.string(),
  triggerKind: z.enum(['no_shows', 'cancellations']),
  threshold: z.number(),
  periodDays: z.number(),
  banDays: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const BlacklistEntry = z.object({
  id: z.string(),
  patientId: z.string(),
  patientNameMasked: z.string().nullable(),
  reason: z.string(),
  source: z.enum(['rule', 'manual']),
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  status: z.enum(['active', 'scheduled', 'expired', 'lifted']),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  liftedAt: z.string().nullable(),
  liftedBy: z.string().nullable(),
  liftReason: z.string().nullable(),
});

export const BlacklistIdParams = z.object({ id: z.string().uuid() });
export type BlacklistRule = z.infer<typeof BlacklistRule>;
export type BlacklistEntry = z.infer<typeof BlacklistEntry>;
export type BlacklistRuleBody = z.input<typeof BlacklistRuleBody>;

export const blacklistErrors = defineErrorCatalogue({
  PATIENT_BLACKLISTED: {
    status: 403,
    zh: (p: { reason: string; endsOn: string }) =>
      `该就诊人因“${p.reason}”已被限制预约，限制至 ${p.endsOn} 结束`,
    en: (p: { reason: string; endsOn: string }) =>
      `This patient may not book until the ban ends on ${p.endsOn} (reason: ${p.reason})`,
  },
  PATIENT_ALREADY_BLACKLISTED: {
    status: 409,
    zh: '该就诊人已在黑名单中',
    en: 'Patient is already blacklisted',
  },
  BLACKLIST_RULE_NAME_TAKEN: {
    status: 409,
    zh: '已有同名规则',
    en: 'A rule with this name already exists',
  },
  BLACKLIST_RULE_NOT_FOUND: { status: 404, zh: '黑名单规则不存在', en: 'Blacklist rule not found' },
  BLACKLIST_ENTRY_NOT_FOUND: { status: 404, zh: '黑名单记录不存在', en: 'blacklist entry not found' },
  BLACKLIST_ENTRY_NOT_ACTIVE: {
    status: 409,
    zh: '该黑名单记录已解除或已到期',
    en: 'This ban is already lifted or over',
  },
});
