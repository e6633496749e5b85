import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];
const link = '/insurance/settlements/{settlementId}';

/** Messages of insurance payment. Data: patientName, settlementNo, total, fund, account, cash (yuan). */
export function registerInsuranceTemplates(): void {
  registerTemplates({
    'insurance.settled': {
      category: 'payment',
      title: { zh: '医保结算成功', en: 'Insurance settlement completed' },
      body: {
        zh: '{patientName}，医保结算成功：总额 {total} 元，其中统筹基金 {fund} 元、个人账户 {account} 元、自付现金 {cash} 元。',
        en: '{patientName}, insurance settled {total} yuan: pooled fund {fund}, personal account {account}, cash {cash}.',
      },
      channels: ALL,
      link,
    },
    'insurance.reversed': {
      category: 'payment',
      title: { zh: '医保结算已撤销', en: 'Insurance settlement reversed' },
      body: {
        zh: '{patientName}，医保结算 {settlementNo} 未完成，已撤销；医保和个人账户未扣款或已退回，已付现金原路退回，单据仍为待缴费。',
        en: '{patientName}, insurance settlement {settlementNo} did not complete and was reversed; nothing stays charged and the bills are still to be paid.',
      },
      channels: ALL,
      link,
    },
    'insurance.refunded': {
      category: 'payment',
      title: { zh: '医保退费成功', en: 'Insurance refund completed' },
      body: {
        zh: '{patientName}，医保结算 {settlementNo} 已退费：统筹 {fund} 元、个人账户 {account} 元已退回医保，现金 {cash} 元原路退回。',
        en: '{patientName}, settlement {settlementNo} is refunded: fund {fund} and personal account {account} back to insurance, cash {cash} to your original account.',
      },
      channels: ALL,
      link,
    },
  });
}
