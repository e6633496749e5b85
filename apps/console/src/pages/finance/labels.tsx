import { Tag } from 'antd';
import type { Tr } from '../../i18n';

export const orderStateTag = (tr: Tr, s: string) => {
  const m: Record<string, [string, string, string?]> = {
    created: ['待支付', 'Created'],
    paying: ['支付中', 'Paying', 'processing'],
    paid: ['已支付', 'Paid', 'green'],
    closed: ['已关闭', 'Closed'],
    refunding: ['退款中', 'Refunding', 'orange'],
    partially_refunded: ['部分退款', 'Partly refunded', 'gold'],
    refunded: ['已退款', 'Refunded', 'blue'],
  };
  const v = m[s];
  return <Tag color={v?.[2]}>{v ? tr(v[0], v[1]) : s}</Tag>;
};

export const refundStateTag = (tr: Tr, s: string) => {
  const m: Record<string, [string, string, string?]> = {
    requested: ['已申请', 'Requested'],
    processing: ['处理中', 'Processing', 'processing'],
    succeeded: ['退款成功', 'Succeeded', 'green'],
    failed: ['退款失败', 'Failed', 'red'],
  };
  const v = m[s];
  return <Tag color={v?.[2]}>{v ? tr(v[0], v[1]) : s}</Tag>;
};

export const channelName = (tr: Tr, c: string | null) =>
  c === 'wechat'
    ? tr('微信支付', 'WeChat Pay')
    : c === 'alipay'
      ? tr('支付宝', 'Alipay')
      : c === 'sandbox'
        ? tr('沙箱', 'Sandbox')
        : (c ?? '');

/** Business types of payment orders (the paying modules' names). */
export const BUSINESS_TYPES = [
  'registration',
  'bill',
  'insurance',
  'deposit',
  'inpatient-settlement',
  'exam',
  'credit-settlement',
];

export const businessName = (tr: Tr, b: string) =>
  ({
    registration: tr('挂号', 'Registration'),
    bill: tr('门诊缴费', 'Bill'),
    deposit: tr('住院预交金', 'Deposit'),
    'inpatient-settlement': tr('出院结算', 'Discharge settlement'),
    insurance: tr('医保结算（现金部分）', 'Insurance (cash part)'),
    exam: tr('体检预约', 'Physical exam'),
    'credit-settlement': tr('信用就医结算', 'Credit settlement'),
  })[b] ?? b;

/** Why an order was listed as abnormal (the server's reason code, with the code kept visible). */
export const abnormalReasonName = (tr: Tr, r: string | null | undefined) => {
  if (!r) return '';
  const m: Record<string, [string, string]> = {
    PAID_AFTER_CLOSE: ['关单后到账', 'Paid after the order closed'],
    BUSINESS_FAILED: ['业务处理失败', 'Business step failed'],
    AMOUNT_MISMATCH: ['金额不符', 'Amount mismatch'],
    DUPLICATE_PAYMENT: ['重复支付', 'Duplicate payment'],
    REFUND_FAILED: ['退款失败', 'Refund failed'],
    REFUND_STUCK: ['退款长时间未完成', 'Refund stuck'],
    HIS_WRITEBACK_FAILED: ['HIS 回写失败', 'HIS write-back failed'],
  };
  const v = m[r];
  return v ? `${tr(v[0], v[1])}（${r}）` : r;
};
