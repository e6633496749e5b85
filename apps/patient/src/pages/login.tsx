import { useEffect, useState } from 'react';
import { Button, NoticeBar, Toast } from 'antd-mobile';
import { LegalConsent, legalAccepted, rememberLegalAccepted } from './legal';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import { auth } from '../api';
import { errorText, Page, TextInput } from '../components/common';
import { useI18n } from '../i18n';

const PHONE = /^1[3-9]\d{9}$/;

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sandboxCode, setSandboxCode] = useState<string | null>(null);
  const [countdown, setCountdown] = useState(0);
  const [sending, setSending] = useState(false);
  const [loggingIn, setLoggingIn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // first login: the patient ticks the box after (optionally) reading both texts; remembered after
  const [accepted, setAccepted] = useState(legalAccepted);

  useEffect(() => {
    if (countdown <= 0) return;
    const timer = setTimeout(() => setCountdown((c) => c - 1), 1000);
    return () => clearTimeout(timer);
  }, [countdown]);

  const sendCode = async () => {
    setError(null);
    if (!PHONE.test(phone)) return setError(t('phoneInvalid'));
    setSending(true);
    try {
      const sent = await auth.sendSmsCode(phone);
      setCountdown(sent.resendAfterSeconds || 60);
      setSandboxCode(sent.sandboxCode ?? null);
      Toast.show({ content: t('codeSent') });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSending(false);
    }
  };

  const login = async () => {
    setError(null);
    if (!PHONE.test(phone)) return setError(t('phoneInvalid'));
    if (!/^\d{4,8}$/.test(code)) return setError(t('smsCodeInvalid'));
    if (!accepted) return setError(t('legalConsentRequired'));
    setLoggingIn(true);
    try {
      await auth.smsLogin(phone, code);
      rememberLegalAccepted();
      queryClient.clear();
      Toast.show({ icon: 'success', content: t('loginSuccess') });
      const redirect = params.get('redirect');
      navigate(redirect && redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/me', {
        replace: true,
      });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoggingIn(false);
    }
  };

  return (
    <Page title={t('login')} testId="login-page">
      <div className="login">
        <h2 className="login-title">{t('loginTitle')}</h2>
        <p className="muted">{t('loginSubtitle')}</p>
        {sandboxCode ? (
          <NoticeBar
            color="info"
            content={<span data-testid="login-sandbox-code">{t('sandboxCode', { code: sandboxCode })}</span>}
            wrap
          />
        ) : null}
        <div className="login-field">
          <TextInput
            testId="login-phone"
            type="tel"
            inputMode="numeric"
            maxLength={11}
            placeholder={t('phonePlaceholder')}
            value={phone}
            onChange={(v) => setPhone(v.replace(/\D/g, ''))}
            autoComplete="tel"
          />
        </div>
        <div className="login-field login-code-row">
          <TextInput
            testId="login-code"
            inputMode="numeric"
            maxLength={6}
            placeholder={t('smsCodePlaceholder')}
            value={code}
            onChange={(v) => setCode(v.replace(/\D/g, ''))}
            onEnter={login}
          />
          <Button
            size="small"
            color="primary"
            fill="outline"
            data-testid="login-send-code"
            disabled={countdown > 0}
            loading={sending}
            onClick={sendCode}
          >
            {countdown > 0 ? t('resendIn', { s: countdown }) : t('sendCode')}
          </Button>
        </div>
        {error ? (
          <div className="form-error" data-testid="login-error" role="alert">
            {error}
          </div>
        ) : null}
        <Button
          block
          color="primary"
          size="large"
          loading={loggingIn}
          onClick={login}
          data-testid="login-submit"
        >
          {t('login')}
        </Button>
        <LegalConsent checked={accepted} onChange={setAccepted} />
      </div>
    </Page>
  );
}
