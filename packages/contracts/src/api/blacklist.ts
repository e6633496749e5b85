/** The blacklist module's API: its error codes with their messages. */
import { defineErrorCatalogue } from './errors.js';

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
