import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];
const link = '/credit';

/** Messages of credit care (PAY-12…15). Data: amount (yuan), days overdue, title of a bill. */
export function registerCreditTemplates(): void {
  registerTemplates({
    'credit.charged': {
      category: 'payment',
      title: { zh: '无感支付已扣费', en: 'Paid by frictionless payment' },
      body: {
        zh: '您的“{title}”{amount} 元已通过无感支付记入信用就医，请按期结算。',
        en: '"{title}" ({amount} yuan) was paid on credit by frictionless payment; please settle it in time.',
      },
      channels: ALL,
      link,
    },
    'credit.overdue': {
      category: 'payment',
      title: { zh: '信用就医费用已逾期', en: 'Credit care payment overdue' },
      body: {
        zh: '您有 {amount} 元信用就医费用已逾期 {days} 天，请尽快结算，逾期过久将暂停信用就医。',
        en: '{amount} yuan of credit care is {days} day(s) overdue; please settle it soon, or credit care will be suspended.',
      },
      channels: ALL,
      link,
    },
    'credit.suspended': {
      category: 'payment',
      title: { zh: '信用就医已暂停', en: 'Credit care suspended' },
      body: {
        zh: '因 {amount} 元费用逾期 {days} 天，您的信用就医已暂停，结清后自动恢复。',
        en: 'Credit care is suspended: {amount} yuan is {days} days overdue. It resumes once settled.',
      },
      channels: ALL,
      link,
    },
    'credit.staff-suspended': {
      category: 'payment',
      title: { zh: '信用就医已暂停', en: 'Credit care suspended' },
      body: {
        zh: '您的信用就医已由医院暂停（{reason}），如有疑问请咨询收费处。',
        en: 'The hospital has suspended your credit care ({reason}). Please ask at the cashier for details.',
      },
      channels: ALL,
      link,
    },
    'credit.resumed': {
      category: 'payment',
      title: { zh: '信用就医已恢复', en: 'Credit care resumed' },
      body: {
        zh: '您的信用就医已恢复，可继续先诊疗后付费。',
        en: 'Your credit care is active again: you may be treated first and pay later.',
      },
      channels: ALL,
      link,
    },
    'credit.settled': {
      category: 'payment',
      title: { zh: '信用就医结算成功', en: 'Credit care settled' },
      body: {
        zh: '您已成功结算信用就医费用 {amount} 元。',
        en: 'You settled {amount} yuan of credit care.',
      },
      channels: ALL,
      link,
    },
  });
}
