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

export const businessName = (tr: Tr, b: string) =>
  ({
    registration: tr('挂号', 'Registration'),
    bill: tr('门诊缴费', 'Bill'),
    deposit: tr('住院预交金', 'Deposit'),
  })[b] ?? b;
