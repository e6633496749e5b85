import { App, Button, Input, Select, Tabs } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  deliveryStateLabels,
  notificationChannelLabels,
  notificationTemplateLabels,
  smsProviderLabels,
  type DeliveryState,
} from '@qingnang/contracts';
import { listSmsMessages, type SmsMessage } from '../../api/staff';
import { listDeliveries, retryDelivery, type Delivery } from '../../api/notifications';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { holds } from '../../menu';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

const DELIVERY_COLORS: Partial<Record<DeliveryState, string>> = { sent: 'green', failed: 'red' };

function SmsMessages() {
  const tr = useTr();
  return (
    <ListPage<SmsMessage>
      title={tr('短信发送记录', 'SMS delivery log')}
      queryKey="sms-messages"
      fetch={listSmsMessages}
      testId="sms-messages"
      size="small"
      quickFilters={(set) => (
        <Input.Search
          allowClear
          placeholder={tr('手机号', 'Phone number')}
          onSearch={(v) => set({ phone: v.trim() || undefined })}
          style={{ width: 220 }}
          data-testid="sms-messages-phone"
        />
      )}
      columns={[
        { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime, width: 170 },
        { title: tr('手机号', 'Phone'), dataIndex: 'phoneMasked' },
        {
          title: tr('用途', 'Purpose'),
          key: 'purpose',
          render: (_, m) => codeLabel(tr, notificationTemplateLabels, m.template ?? m.purpose),
        },
        { title: tr('内容', 'Content'), dataIndex: 'content', width: 420 },
        {
          title: tr('通道', 'Provider'),
          dataIndex: 'provider',
          render: (p?: string) => (p ? codeLabel(tr, smsProviderLabels, p) : ''),
        },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'status',
          render: (s?: string) => (
            <CodeTag tr={tr} table={deliveryStateLabels} code={s} colors={DELIVERY_COLORS} />
          ),
        },
      ]}
    />
  );
}

function Deliveries() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const mayRetry = holds(me?.permissions ?? [], 'notifications.send');
  const retry = useMutation({
    mutationFn: (id: string) => retryDelivery(id),
    onSuccess: () => {
      message.success(tr('已重新发送', 'Sent again'));
      void qc.invalidateQueries({ queryKey: ['deliveries'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<Delivery>
      title={tr('消息推送记录（含重试）', 'Notification deliveries (with retries)')}
      queryKey="deliveries"
      fetch={listDeliveries}
      testId="deliveries"
      size="small"
      quickFilters={(set, q) => (
        <>
          <Select
            allowClear
            placeholder={tr('渠道', 'Channel')}
            style={{ width: 120 }}
            value={q.channel as string | undefined}
            onChange={(v) => set({ channel: v })}
            options={(['sms', 'wechat', 'alipay'] as const).map((c) => ({
              value: c,
              label: codeLabel(tr, notificationChannelLabels, c),
            }))}
          />
          <Select
            allowClear
            placeholder={tr('状态', 'State')}
            style={{ width: 120 }}
            value={q.state as string | undefined}
            onChange={(v) => set({ state: v })}
            options={(['pending', 'sent', 'failed', 'skipped'] as const).map((s) => ({
              value: s,
              label: codeLabel(tr, deliveryStateLabels, s),
            }))}
          />
        </>
      )}
      columns={[
        { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime },
        {
          title: tr('渠道', 'Channel'),
          dataIndex: 'channel',
          render: (c: string) => codeLabel(tr, notificationChannelLabels, c),
        },
        {
          title: tr('模板', 'Template'),
          dataIndex: 'template',
          render: (t: string) => codeLabel(tr, notificationTemplateLabels, t),
        },
        {
          title: tr('状态', 'State'),
          dataIndex: 'state',
          render: (s: string) => (
            <CodeTag tr={tr} table={deliveryStateLabels} code={s} colors={DELIVERY_COLORS} />
          ),
        },
        { title: tr('尝试次数', 'Attempts'), dataIndex: 'attempts' },
        { title: tr('发送时间', 'Sent'), dataIndex: 'sentAt', render: dateTime },
        { title: tr('错误', 'Error'), dataIndex: 'lastError', ellipsis: true },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          render: (_, d) =>
            mayRetry && d.state === 'failed' ? (
              <Button size="small" type="link" loading={retry.isPending} onClick={() => retry.mutate(d.id)}>
                {tr('重发', 'Retry')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}

export function SmsLogPage() {
  const tr = useTr();
  const me = useMe();
  if (!holds(me?.permissions ?? [], 'notifications.read')) return <SmsMessages />;
  return (
    <Tabs
      items={[
        { key: 'sms', label: tr('短信', 'SMS'), children: <SmsMessages /> },
        { key: 'deliveries', label: tr('消息推送', 'Notification deliveries'), children: <Deliveries /> },
      ]}
    />
  );
}
