import { App, Button, Popconfirm, Select, Space, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { securityAlertKindLabels } from '@qingnang/contracts';
import { securityAlerts, users, type SecurityAlert } from '../../api/staff';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag } from '../../labels';

const KIND_COLORS = { login_locked: 'red', address_throttled: 'orange' } as const;

/**
 * Staff login throttling (issue 9): each lock of a username from one address and each paused address
 * is an alert. The administrator lifts an account's locks from every address (which closes its
 * alerts) or marks an alert as handled; both are audited by the server.
 */
export function SecurityAlertsPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const done = (text: string) => {
    message.success(text);
    void qc.invalidateQueries({ queryKey: ['security-alerts'] });
    void qc.invalidateQueries({ queryKey: ['me'] });
  };
  const unlock = useMutation({
    mutationFn: (a: SecurityAlert) => users.unlock(a.staffId!),
    onSuccess: () => done(tr('已解锁该账号，相关提醒已处理', 'Account unlocked; its alerts are closed')),
    onError: (e) => message.error((e as Error).message),
  });
  const acknowledge = useMutation({
    mutationFn: (a: SecurityAlert) => securityAlerts.acknowledge(a.id),
    onSuccess: () => done(tr('已标记为已处理', 'Marked as handled')),
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<SecurityAlert>
      title={tr('安全提醒：员工登录锁定', 'Security alerts: staff login locks')}
      queryKey="security-alerts"
      fetch={securityAlerts.list}
      serverPaging={false}
      testId="security-alerts"
      initialQuery={{ open: 'true' }}
      quickFilters={(set, q) => (
        <Select
          style={{ width: 140 }}
          value={q.open === 'true' ? 'true' : 'false'}
          onChange={(v) => set({ open: v })}
          options={[
            { value: 'true', label: tr('待处理', 'Open') },
            { value: 'false', label: tr('全部', 'All') },
          ]}
          data-testid="security-alerts-open"
        />
      )}
      before={
        <p style={{ marginTop: 0 }}>
          {tr(
            '连续输错密码只锁定该账号在该地址的登录，账号在其他地址仍可登录。解锁会解除该账号在所有地址的锁定。',
            'Wrong passwords lock an account only from the address they came from; it still logs in elsewhere. Unlocking lifts its locks from every address.',
          )}
        </p>
      }
      emptyText={tr('没有待处理的安全提醒', 'No open security alerts')}
      columns={[
        { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime, width: 170 },
        {
          title: tr('类型', 'Kind'),
          dataIndex: 'kind',
          render: (k: string) => (
            <CodeTag tr={tr} table={securityAlertKindLabels} code={k} colors={KIND_COLORS} />
          ),
        },
        {
          title: tr('账号', 'Account'),
          dataIndex: 'username',
          render: (u: string | null) => u ?? tr('多个账号', 'Several accounts'),
        },
        { title: tr('来源地址', 'Address'), dataIndex: 'ip' },
        { title: tr('失败次数', 'Failures'), dataIndex: 'failures', width: 100 },
        { title: tr('锁定至', 'Locked until'), dataIndex: 'lockedUntil', render: dateTime, width: 170 },
        {
          title: tr('状态', 'State'),
          key: 'state',
          render: (_, a) =>
            a.acknowledgedAt ? (
              <Tag>{tr(`已处理 ${dateTime(a.acknowledgedAt)}`, `Handled ${dateTime(a.acknowledgedAt)}`)}</Tag>
            ) : (
              <Tag color="red">{tr('待处理', 'Open')}</Tag>
            ),
        },
        {
          title: tr('操作', 'Actions'),
          key: 'actions',
          render: (_, a) =>
            a.acknowledgedAt ? null : (
              <Space>
                {a.staffId && (
                  <Popconfirm
                    title={tr(`解除账号 ${a.username} 的登录锁定？`, `Unlock ${a.username}?`)}
                    onConfirm={() => unlock.mutate(a)}
                  >
                    <Button size="small" type="primary" data-testid={`security-alert-unlock-${a.username}`}>
                      {tr('解锁账号', 'Unlock account')}
                    </Button>
                  </Popconfirm>
                )}
                <Button
                  size="small"
                  onClick={() => acknowledge.mutate(a)}
                  data-testid={`security-alert-ack-${a.id}`}
                >
                  {tr('标记已处理', 'Mark handled')}
                </Button>
              </Space>
            ),
        },
      ]}
    />
  );
}
