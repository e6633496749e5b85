import { levelLabels, slotBucketLabels } from '@qingnang/contracts';
import type { Tr } from '../../i18n';
import { codeLabel } from '../../labels';

// Levels and slot pools read from the shared tables (@qingnang/contracts).
export const levelLabel = (tr: Tr, l: string) => codeLabel(tr, levelLabels, l);

export const channelLabel = (tr: Tr, c: string) => codeLabel(tr, slotBucketLabels, c);

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
