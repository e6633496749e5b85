import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { Navigate, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { changePassword, logout } from '../api/staff';
import { getTokens } from '../api/session';
import { useTr } from '../i18n';
import { applyServerErrors } from '../components/serverErrors';

/** The server's password policy: at least 8 characters from at least 3 of the 4 classes. */
export function passwordPolicyProblem(pw: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  return pw.length < 8 || classes < 3;
}

export function ChangePasswordPage() {
  const tr = useTr();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!getTokens()) return <Navigate to="/login" replace />;

  const submit = async (v: { oldPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.oldPassword, v.newPassword);
      await qc.invalidateQueries({ queryKey: ['me'] });
      navigate('/', { replace: true });
    } catch (e) {
      setError(applyServerErrors(form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <Card className="login-card" style={{ width: 440 }}>
        <Typography.Title level={4}>{tr('修改密码', 'Change your password')}</Typography.Title>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={tr(
            '首次登录或密码已被重置，请设置新密码',
            'Your password is an initial one: set a new password',
          )}
          description={tr(
            '密码规则：至少 8 位，且包含大写字母、小写字母、数字、符号中的至少 3 类；不能与原密码相同。',
            'Policy: at least 8 characters using at least 3 of: upper-case letters, lower-case letters, digits, symbols; different from the old password.',
          )}
          data-testid="password-policy"
        />
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item
            name="oldPassword"
            label={tr('当前密码', 'Current password')}
            rules={[{ required: true }]}
          >
            <Input.Password autoComplete="current-password" data-testid="old-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={tr('新密码', 'New password')}
            rules={[
              { required: true },
              {
                validator: (_, v: string) =>
                  !v || !passwordPolicyProblem(v)
                    ? Promise.resolve()
                    : Promise.reject(
                        new Error(tr('密码不符合规则', 'The password does not meet the policy')),
                      ),
              },
              ({ getFieldValue }) => ({
                validator: (_, v: string) =>
                  !v || v !== getFieldValue('oldPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(tr('新密码不能与原密码相同', 'Choose a different password'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={tr('确认新密码', 'Confirm new password')}
            dependencies={['newPassword']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: (_, v: string) =>
                  !v || v === getFieldValue('newPassword')
                    ? Promise.resolve()
                    : Promise.reject(new Error(tr('两次输入不一致', 'The passwords differ'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="confirm-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="change-password-submit">
            {tr('确认修改', 'Change password')}
          </Button>
          <Button
            type="link"
            block
            onClick={() => void logout().finally(() => navigate('/login', { replace: true }))}
          >
            {tr('退出登录', 'Log out')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
