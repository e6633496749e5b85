import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Switch, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { roles as rolesApi, users, type StaffUser } from '../../api/staff';
import { CrudPage } from '../../components/CrudPage';
import { useDepartments, useDoctors } from '../../components/lookups';
import { applyServerErrors } from '../../components/serverErrors';
import { dateTime } from '../../format';
import { useLabel, useTr } from '../../i18n';
import { passwordPolicyProblem } from '../ChangePasswordPage';

export function UsersPage() {
  const tr = useTr();
  const label = useLabel();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const roleList = useQuery({ queryKey: ['roles'], queryFn: () => rolesApi.list() });
  const roleName = (code: string) => {
    const r = roleList.data?.items.find((x) => x.code === code);
    return r ? label({ zh: r.nameZh, en: r.nameEn }) : code;
  };
  const [resetFor, setResetFor] = useState<StaffUser | null>(null);
  const depts = useDepartments();
  const doctors = useDoctors();
  const [resetForm] = Form.useForm();

  const done = (text: string) => {
    message.success(text);
    void qc.invalidateQueries({ queryKey: ['users'] });
  };
  const unlock = useMutation({
    mutationFn: (u: StaffUser) => users.unlock(u.id),
    onSuccess: () => done(tr('已解锁', 'Unlocked')),
    onError: (e) => message.error((e as Error).message),
  });
  const toggle = useMutation({
    mutationFn: (u: StaffUser) => users.update(u.id, { enabled: !u.enabled }),
    onSuccess: () => done(tr('已更新', 'Updated')),
    onError: (e) => message.error((e as Error).message),
  });
  const reset = useMutation({
    mutationFn: (v: { newPassword: string }) => users.resetPassword(resetFor!.id, v.newPassword),
    onSuccess: () => {
      setResetFor(null);
      done(tr('密码已重置，用户下次登录须修改密码', 'Password reset; the user must change it at next login'));
    },
    onError: (e) => message.error(applyServerErrors(resetForm, e)),
  });

  const policyRule = {
    validator: (_: unknown, v: string) =>
      !v || !passwordPolicyProblem(v)
        ? Promise.resolve()
        : Promise.reject(
            new Error(
              tr(
                '至少 8 位，含大写、小写、数字、符号中的 3 类',
                'At least 8 characters from 3 of: upper, lower, digit, symbol',
              ),
            ),
          ),
  };
  const roleOptions = (roleList.data?.items ?? []).map((r) => ({
    value: r.code,
    label: label({ zh: r.nameZh, en: r.nameEn }),
  }));
  const isLocked = (u: StaffUser) => !!u.lockedUntil && dayjs(u.lockedUntil).isAfter(dayjs());

  return (
    <>
      <CrudPage<StaffUser>
        title={tr('用户管理', 'Staff users')}
        queryKey="users"
        serverPaging
        resource={users}
        testId="user"
        search={{ placeholder: tr('用户名 / 姓名', 'Username or name') }}
        newDefaults={{ roles: [], enabled: true }}
        columns={[
          { title: tr('用户名', 'Username'), dataIndex: 'username' },
          { title: tr('姓名', 'Name'), dataIndex: 'displayName' },
          {
            title: tr('角色', 'Roles'),
            dataIndex: 'roles',
            render: (rs: string[]) => (rs ?? []).map((r) => <Tag key={r}>{roleName(r)}</Tag>),
          },
          {
            title: tr('状态', 'Status'),
            key: 'status',
            render: (_, u) => (
              <>
                {u.enabled ? (
                  <Tag color="green">{tr('正常', 'Active')}</Tag>
                ) : (
                  <Tag>{tr('已停用', 'Disabled')}</Tag>
                )}
                {isLocked(u) && (
                  <Tag color="red">
                    {tr(`锁定至 ${dateTime(u.lockedUntil)}`, `Locked until ${dateTime(u.lockedUntil)}`)}
                  </Tag>
                )}
                {u.mustChangePassword && <Tag color="orange">{tr('须改密', 'Must change password')}</Tag>}
              </>
            ),
          },
          { title: tr('创建时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
        ]}
        rowActions={(u) => (
          <>
            <Popconfirm
              title={
                u.enabled ? tr('停用该用户？', 'Disable this user?') : tr('启用该用户？', 'Enable this user?')
              }
              onConfirm={() => toggle.mutate(u)}
            >
              <Button size="small" type="link" danger={u.enabled} data-testid={`user-toggle-${u.username}`}>
                {u.enabled ? tr('停用', 'Disable') : tr('启用', 'Enable')}
              </Button>
            </Popconfirm>
            {isLocked(u) && (
              <Button
                size="small"
                type="link"
                onClick={() => unlock.mutate(u)}
                data-testid={`user-unlock-${u.username}`}
              >
                {tr('解锁', 'Unlock')}
              </Button>
            )}
            <Button
              size="small"
              type="link"
              onClick={() => {
                resetForm.resetFields();
                setResetFor(u);
              }}
              data-testid={`user-reset-${u.username}`}
            >
              {tr('重置密码', 'Reset password')}
            </Button>
          </>
        )}
        fromForm={(v: StaffUser & { password?: string }, editing) =>
          editing
            ? {
                displayName: v.displayName,
                roles: v.roles,
                enabled: v.enabled,
                doctorId: v.doctorId ?? null,
                departmentId: v.departmentId ?? null,
              }
            : {
                username: v.username,
                displayName: v.displayName,
                roles: v.roles,
                password: v.password,
                doctorId: v.doctorId ?? null,
                departmentId: v.departmentId ?? null,
              }
        }
        renderForm={(editing) => (
          <>
            <Form.Item
              name="username"
              label={tr('用户名', 'Username')}
              rules={[
                { required: true },
                { min: 3, max: 32 },
                {
                  pattern: /^[A-Za-z0-9_.-]+$/,
                  message: tr('仅限字母、数字、. _ -', 'Letters, digits, . _ - only'),
                },
              ]}
            >
              <Input disabled={!!editing} />
            </Form.Item>
            <Form.Item
              name="displayName"
              label={tr('姓名', 'Display name')}
              rules={[{ required: true, whitespace: true }, { max: 50 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="roles"
              label={tr('角色', 'Roles')}
              rules={[{ required: true, type: 'array', min: 1 }]}
            >
              <Select mode="multiple" options={roleOptions} />
            </Form.Item>
            <Form.Item name="departmentId" label={tr('所属科室（可选）', 'Department (optional)')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(depts.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
            <Form.Item
              name="doctorId"
              label={tr('关联医生（医生账号）', 'Linked doctor (for doctor accounts)')}
            >
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={(doctors.data ?? []).map((d) => ({ value: d.id, label: `${d.name}（${d.code}）` }))}
              />
            </Form.Item>
            {!editing && (
              <Form.Item
                name="password"
                label={tr('初始密码（首次登录须修改）', 'Initial password (must be changed at first login)')}
                rules={[{ required: true }, policyRule]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            )}
            {editing && (
              <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
                <Switch />
              </Form.Item>
            )}
          </>
        )}
      />
      <Modal
        open={!!resetFor}
        title={tr(
          `重置 ${resetFor?.username ?? ''} 的密码`,
          `Reset the password of ${resetFor?.username ?? ''}`,
        )}
        onCancel={() => setResetFor(null)}
        onOk={() => resetForm.submit()}
        confirmLoading={reset.isPending}
        forceRender
      >
        <Form form={resetForm} layout="vertical" onFinish={(v) => reset.mutate(v)}>
          <Form.Item
            name="newPassword"
            label={tr('新的初始密码', 'New initial password')}
            extra={tr('用户下次登录时须修改', 'The user must change it at the next login')}
            rules={[{ required: true }, policyRule]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
