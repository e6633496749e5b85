import { registerTemplates } from '../notifications/index.js';
import type { Channel } from '../notifications/index.js';

const CHANNELS: Channel[] = ['inapp', 'wechat', 'alipay'];
const link = '/einvoices/{invoiceId}';

/** Messages of e-invoices (PAY-10). Data: patientName, amount (yuan), invoiceNo. */
export function registerInvoicingTemplates(): void {
  registerTemplates({
    'einvoice.issued': {
      category: 'payment',
      title: { zh: '电子票据已开具', en: 'E-invoice issued' },
      body: {
        zh: '{patientName}，您支付的 {amount} 元已开具电子票据（号码 {invoiceNo}），可在“我的电子票据”中查看下载。',
        en: '{patientName}, the e-invoice (no. {invoiceNo}) for {amount} yuan is ready to view and download.',
      },
      channels: CHANNELS,
      link,
    },
    'einvoice.reversed': {
      category: 'payment',
      title: { zh: '电子票据已冲红', en: 'E-invoice reversed' },
      body: {
        zh: '{patientName}，因退费，{amount} 元的电子票据已冲红（红字票据号码 {invoiceNo}）。',
        en: '{patientName}, after the refund the e-invoice for {amount} yuan was reversed (red-letter no. {invoiceNo}).',
      },
      channels: CHANNELS,
      link,
    },
  });
}
