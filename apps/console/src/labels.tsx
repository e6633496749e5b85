import { Tag } from 'antd';
import { labelOf, type Label } from '@qingnang/contracts';
import type { Tr } from './i18n';

/**
 * A state or code in the reader's language, from the shared label tables (@qingnang/contracts):
 * the console never shows a raw code; one it does not know reads 未知状态.
 */
export function codeLabel<K extends string>(
  tr: Tr,
  table: Record<K, Label>,
  code: string | null | undefined,
) {
  return tr(labelOf(table, code, 'zh'), labelOf(table, code, 'en'));
}

/** The same label as a coloured tag (colours are the console's; words are the shared table's). */
export function CodeTag<K extends string>({
  tr,
  table,
  code,
  colors,
  testId,
}: {
  tr: Tr;
  table: Record<K, Label>;
  code: string | null | undefined;
  colors?: Partial<Record<K, string>>;
  testId?: string;
}) {
  if (code == null || code === '') return null;
  return (
    <Tag
      color={(colors as Record<string, string> | undefined)?.[code]}
      data-state={code}
      data-testid={testId}
    >
      {codeLabel(tr, table, code)}
    </Tag>
  );
}

/**
 * Free text the server stores in both languages as "中文 / English" (automatic refund reasons):
 * the reader's half. Text in one language is shown as it is.
 */
export function inLanguage(tr: Tr, text: string | null | undefined): string {
  if (!text) return '';
  const i = text.indexOf(' / ');
  if (i < 0) return text;
  const zh = text.slice(0, i);
  const en = text.slice(i + 3);
  if (!/[\u4e00-\u9fa5]/.test(zh) || /[\u4e00-\u9fa5]/.test(en)) return text;
  return tr(zh, en);
}
