import { useEffect, useState, type ReactNode } from 'react';
import { Button, DotLoading, ErrorBlock, NavBar } from 'antd-mobile';
import { Navigate, useLocation, useNavigate } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError, tokenStore } from '../api';
import { useI18n } from '../i18n';

/** A page with a navigation bar; `back` leaves by history or to the home page. */
export function Page(props: {
  title: ReactNode;
  children: ReactNode;
  back?: boolean;
  right?: ReactNode;
  footer?: ReactNode;
  testId?: string;
}) {
  const navigate = useNavigate();
  const { t } = useI18n();
  const goBack = () => {
    if (window.history.length > 1 && window.history.state?.idx > 0) navigate(-1);
    else navigate('/');
  };
  return (
    <div className="page" data-testid={props.testId}>
      <NavBar
        className="page-nav"
        back={props.back === false ? null : t('back')}
        backIcon={props.back !== false}
        onBack={goBack}
        right={props.right ?? <LanguageSwitch />}
      >
        {props.title}
      </NavBar>
      <div className="page-body">{props.children}</div>
      {props.footer ? <div className="page-footer">{props.footer}</div> : null}
    </div>
  );
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <a
      className="lang-switch"
      data-testid="language-switch"
      role="button"
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('switchLanguage')}
    </a>
  );
}

/** Shows loading, error (with retry) or the content of a query. */
export function QueryView<T>(props: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  empty?: (data: T) => boolean;
  emptyText?: string;
}) {
  const { t } = useI18n();
  const { query } = props;
  if (query.isPending) return <Loading />;
  if (query.isError)
    return (
      <ErrorBlock
        status="default"
        title={t('loadFailed')}
        description={errorText(query.error, t('loadFailed'))}
      >
        <Button size="small" color="primary" onClick={() => void query.refetch()}>
          {t('retry')}
        </Button>
      </ErrorBlock>
    );
  if (props.empty?.(query.data))
    return <ErrorBlock status="empty" title={props.emptyText ?? t('empty')} description="" />;
  return <>{props.children(query.data)}</>;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading">
      <DotLoading color="primary" />
      <span>{t('loading')}</span>
    </div>
  );
}

/** The message of an error in the current language (ApiError carries zh and en). */
export function errorText(err: unknown, fallback = ''): string {
  if (err instanceof ApiError) return err.localized();
  if (err instanceof Error) return err.message || fallback;
  return fallback;
}

export function useLoggedIn(): boolean {
  const [loggedIn, setLoggedIn] = useState(() => tokenStore.get() !== null);
  useEffect(() => tokenStore.subscribe((tokens) => setLoggedIn(tokens !== null)), []);
  return loggedIn;
}

/** Pages with personal data: without a session, go to the login page and come back after. */
export function RequireLogin({ children }: { children: ReactNode }) {
  const loggedIn = useLoggedIn();
  const location = useLocation();
  if (!loggedIn) {
    const redirect = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?redirect=${redirect}`} replace />;
  }
  return <>{children}</>;
}

export function Section(props: {
  title?: ReactNode;
  extra?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`section ${props.className ?? ''}`}>
      {props.title ? (
        <div className="section-head">
          <span className="section-title">{props.title}</span>
          {props.extra}
        </div>
      ) : null}
      {props.children}
    </section>
  );
}

/**
 * A plain native input (the test id sits on the <input> itself, so browser tests can fill it).
 */
export function TextInput(props: {
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  testId?: string;
  type?: 'text' | 'tel' | 'password' | 'search';
  inputMode?: 'text' | 'numeric' | 'tel' | 'search';
  maxLength?: number;
  autoComplete?: string;
  onEnter?: () => void;
}) {
  return (
    <input
      className="text-input"
      data-testid={props.testId}
      value={props.value}
      type={props.type ?? 'text'}
      inputMode={props.inputMode}
      maxLength={props.maxLength}
      placeholder={props.placeholder}
      autoComplete={props.autoComplete ?? 'off'}
      onChange={(e) => props.onChange(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') props.onEnter?.();
      }}
    />
  );
}

/**
 * Text from the directory: HTML that the server has already sanitised (articles, introductions)
 * is rendered as HTML; plain text keeps its line breaks.
 */
export function RichText({ value, testId }: { value?: string | null; testId?: string }) {
  if (!value) return null;
  if (/<[a-z][\s\S]*>/i.test(value))
    return <div className="rich-text" data-testid={testId} dangerouslySetInnerHTML={{ __html: value }} />;
  return (
    <div className="plain-text" data-testid={testId}>
      {value}
    </div>
  );
}
