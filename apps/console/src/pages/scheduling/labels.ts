import type { Tr } from '../../i18n';

export const levelLabel = (tr: Tr, l: string) =>
  ({ general: tr('普通号', 'General'), expert: tr('专家号', 'Expert'), special: tr('特需号', 'Special') })[
    l
  ] ?? l;

export const channelLabel = (tr: Tr, c: string) =>
  ({
    online: tr('线上（微信/支付宝）', 'Online'),
    counter: tr('窗口', 'Counter'),
    third_party: tr('第三方平台', 'Third party'),
    shared: tr('共享号池', 'Shared pool'),
  })[c] ?? c;

export const weekdayLabel = (tr: Tr, d: number) =>
  [
    tr('周一', 'Mon'),
    tr('周二', 'Tue'),
    tr('周三', 'Wed'),
    tr('周四', 'Thu'),
    tr('周五', 'Fri'),
    tr('周六', 'Sat'),
    tr('周日', 'Sun'),
  ][d - 1] ?? String(d);
