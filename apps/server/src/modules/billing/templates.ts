import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const ALL: Channel[] = ['inapp', 'wechat', 'alipay', 'sms'];
const link = '/bill-payments/{paymentId}';

/** The messages of outpatient payment (PAY-06). Data: patientName, amount (yuan), billCount, guidance. */
export function registerBillingTemplates(): void {
  registerTemplates({
    'bill.paid': {
      category: 'payment',
      title: { zh: '门诊缴费成功', en: 'Outpatient bills paid' },
      body: {
        zh: '{patientName}，您已成功缴费 {amount} 元（{billCount} 张单据）。{guidanceZh}',
        en: '{patientName}, {amount} yuan for {billCount} bill(s) is paid. {guidanceEn}',
      },
      channels: ALL,
      link,
    },
    'bill.writeback-refunded': {
      category: 'payment',
      title: { zh: '缴费未成功，已原路退款', en: 'Payment refunded' },
      body: {
        zh: '{patientName}，医院系统暂时无法确认您的缴费，{amount} 元已原路退回，单据仍为待缴费，请稍后重新缴费或到收费窗口办理。',
        en: '{patientName}, the hospital system could not confirm your payment; {amount} yuan is refunded and the bills are still to be paid.',
      },
      channels: ALL,
      link,
    },
    // MSG-04. Data: patientName, title, amount (yuan), location, billId, patientId.
    'bill.new-fee': {
      category: 'payment',
      title: { zh: '您有新的待缴费用', en: 'New fee to pay' },
      body: {
        zh: '{patientName}，您有一笔新的待缴费用：{title}，{amount} 元。可在线缴费，缴费后到{location}。',
        en: '{patientName}, a new fee is due: {title}, {amount} yuan. Pay online, then go to {location}.',
      },
      channels: ALL,
      link: '/bills?patient={patientId}&bill={billId}',
    },
    'bill.pay-reminder': {
      category: 'payment',
      title: { zh: '待缴费提醒', en: 'Fee still to pay' },
      body: {
        zh: '{patientName}，{title}（{amount} 元）尚未缴费，当日未缴将失效，请及时缴费。',
        en: '{patientName}, {title} ({amount} yuan) is still unpaid and lapses at the end of today. Please pay in time.',
      },
      channels: ALL,
      link: '/bills?patient={patientId}&bill={billId}',
    },
    'bill.refunded': {
      category: 'payment',
      title: { zh: '门诊退费已受理', en: 'Bill refund accepted' },
      body: {
        zh: '{patientName}，{billCount} 张单据的退费 {amount} 元已受理，将原路退回。',
        en: '{patientName}, the refund of {amount} yuan for {billCount} bill(s) is on its way to your original account.',
      },
      channels: ALL,
      link,
    },
  });
}
