/**
 * A small i18n module: message keys → { zh, en }. Simplified Chinese by default; the choice is
 * kept in localStorage and passed to the API client (Accept-Language and error messages).
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { labelOf, type Label } from '@qingnang/contracts';
import { setApiLanguage, type Lang, type LocalizedText } from '../api/client';
import { messages, type MessageKey } from './messages';

export type { Lang, MessageKey };

const LANG_KEY = 'qn.lang';

export function initialLanguage(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage unavailable (private mode): fall back to Chinese
  }
  return 'zh';
}

type Vars = Record<string, string | number>;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** a catalogue message, with {name} placeholders filled from vars */
  t: (key: MessageKey, vars?: Vars) => string;
  /** a text that came with its own translations (service names, API messages) */
  l: (text: LocalizedText | undefined | null) => string;
  /** a state or code through the shared label tables (@qingnang/contracts): never the raw code */
  code: <K extends string>(table: Record<K, Label>, value: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const initial = initialLanguage();
    setApiLanguage(initial);
    return initial;
  });

  const setLang = useCallback((next: Lang) => {
    setApiLanguage(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch {
      // not persisted; still switched for this visit
    }
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => format(messages[key]?.[lang] ?? key, vars),
      l: (text) => (text ? text[lang] || text.zh : ''),
      code: (table, value) => labelOf(table, value, lang),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

function format(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}
