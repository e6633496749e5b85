import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { inHospital } from '../format';
import { ApiError } from '../api/client';
import { login } from '../api/staff';
import { useLang, useTr } from '../i18n';
import type { LoginNotice } from '../auth';

export function LoginPage() {
  const tr = useTr();
  const { lang, setLang } = useLang();
  const navigate = useNavigate();
  const location = useLocation();
  const qc = useQueryClient();
  const state = (location.state ?? {}) as { notice?: LoginNotice; from?: string };
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await login(v.username.trim(), v.password);
      qc.clear();
      if (r.mustChangePassword) navigate('/change-password', { replace: true, state: { first: true } });
      else navigate(state.from && state.from !== '/login' ? state.from : '/', { replace: true });
    } catch (e) {
      setError(loginError(e, tr));
      if (e instanceof ApiError && e.code === 'PASSWORD_CHANGE_REQUIRED') {
        navigate('/change-password', { replace: true, state: { first: true } });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <Card className="login-card">
        <div className="login-lang">
          <Segmented
            size="small"
            value={lang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            onChange={(v) => setLang(v as 'zh' | 'en')}
            data-testid="lang-switch"
          />
        </div>
        <Typography.Title level={3} style={{ textAlign: 'center', marginBottom: 4 }}>
          {tr('青囊 · 管理控制台', 'Qingnang Staff Console')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {tr('智慧医院运营管理平台', 'Smart-hospital operations')}
        </Typography.Paragraph>
        {state.notice && !error && (
          <Alert
            type="warning"
            showIcon
            title={state.notice.message}
            style={{ marginBottom: 16 }}
            data-testid="login-notice"
          />
        )}
        {error && (
          <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />
        )}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={tr('用户名', 'Username')}
            rules={[{ required: true, message: tr('请输入用户名', 'Enter your username') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={tr('密码', 'Password')}
            rules={[{ required: true, message: tr('请输入密码', 'Enter your password') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {tr('登录', 'Log in')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

function loginError(e: unknown, tr: (zh: string, en: string) => string): string {
  if (!(e instanceof ApiError)) return String(e);
  if (e.code === 'ACCOUNT_LOCKED') {
    const until = (e.problem?.details as { lockedUntil?: string } | undefined)?.lockedUntil;
    if (until) {
      const t = inHospital(until).format('YYYY-MM-DD HH:mm');
      return tr(
        `连续登录失败次数过多，账号已锁定，将于 ${t} 自动解锁；也可联系管理员解锁。`,
        `Too many failed logins: the account is locked until ${t}. An administrator can unlock it sooner.`,
      );
    }
  }
  return e.message;
}
