import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { getLanguage, setLanguage, type Language } from './api/session';

export type Tr = (zh: string, en: string) => string;

interface LangState {
  lang: Language;
  setLang: (l: Language) => void;
  tr: Tr;
}

const LangContext = createContext<LangState>({
  lang: 'zh',
  setLang: () => undefined,
  tr: (zh) => zh,
});

/** Chinese by default; the switch in the header stores the choice and the API follows it. */
export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(getLanguage());
  const setLang = useCallback((l: Language) => {
    setLanguage(l);
    dayjs.locale(l === 'zh' ? 'zh-cn' : 'en');
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    setLangState(l);
  }, []);
  const value = useMemo<LangState>(
    () => ({ lang, setLang, tr: (zh, en) => (lang === 'en' ? en : zh) }),
    [lang, setLang],
  );
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <LangContext.Provider value={value}>
      <ConfigProvider
        locale={lang === 'zh' ? zhCN : enUS}
        theme={{
          token: { colorPrimary: '#0f7b6c', colorLink: '#0f7b6c', borderRadius: 6 },
          components: {
            Menu: { itemSelectedBg: '#e6f4f1', itemSelectedColor: '#0f7b6c', subMenuItemBg: '#fff' },
          },
        }}
      >
        {children}
      </ConfigProvider>
    </LangContext.Provider>
  );
}

export const useLang = () => useContext(LangContext);
export const useTr = () => useContext(LangContext).tr;

/** A server-given bilingual label ({ zh, en }) or a plain string. */
export function useLabel() {
  const { lang } = useLang();
  return (v: { zh: string; en: string } | string | undefined | null) =>
    v == null ? '' : typeof v === 'string' ? v : lang === 'en' ? v.en : v.zh;
}
