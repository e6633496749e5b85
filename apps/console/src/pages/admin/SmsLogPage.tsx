import { useState } from 'react';
import { App, Button, Card, Input, Select, Space, Table, Tabs, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listSmsMessages, type SmsMessage } from '../../api/staff';
import { listDeliveries, retryDelivery, type Delivery } from '../../api/notifications';
import { useMe } from '../../auth';
import { holds } from '../../menu';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';

function SmsMessages() {
  const tr = useTr();
  const [phone, setPhone] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const query = { phone: phone || undefined, page, pageSize };
  const list = useQuery({ queryKey: ['sms-messages', query], queryFn: () => listSmsMessages(query) });
  return (
    <Card
      title={tr('短信发送记录', 'SMS delivery log')}
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder={tr('手机号', 'Phone number')}
            onSearch={(v) => {
              setPhone(v.trim());
              setPage(1);
            }}
            style={{ width: 220 }}
          />
        </Space>
      }
    >
      <Table<SmsMessage>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        columns={[
          { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime, width: 170 },
          { title: tr('手机号', 'Phone'), dataIndex: 'phoneMasked' },
          { title: tr('用途', 'Purpose'), key: 'purpose', render: (_, m) => m.purpose ?? m.template },
          { title: tr('内容', 'Content'), dataIndex: 'content' },
          { title: tr('通道', 'Provider'), dataIndex: 'provider' },
          {
            title: tr('状态', 'Status'),
            dataIndex: 'status',
            render: (s?: string) =>
              s ? (
                <Tag color={s === 'sent' || s === 'delivered' ? 'green' : s === 'failed' ? 'red' : 'default'}>
                  {s}
                </Tag>
              ) : null,
          },
        ]}
      />
      {list.error && <div style={{ color: '#cf1322' }}>{(list.error as Error).message}</div>}
    </Card>
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
  const [state, setState] = useState<string | undefined>();
  const [channel, setChannel] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const query = { state, channel, page, pageSize: 20 };
  const list = useQuery({ queryKey: ['deliveries', query], queryFn: () => listDeliveries(query) });
  return (
    <Card
      title={tr('消息推送记录（含重试）', 'Notification deliveries (with retries)')}
      extra={
        <Space>
          <Select
            allowClear
            placeholder={tr('渠道', 'Channel')}
            style={{ width: 120 }}
            value={channel}
            onChange={(v) => {
              setChannel(v);
              setPage(1);
            }}
            options={[
              { value: 'sms', label: tr('短信', 'SMS') },
              { value: 'wechat', label: tr('微信', 'WeChat') },
              { value: 'alipay', label: tr('支付宝', 'Alipay') },
            ]}
          />
          <Select
            allowClear
            placeholder={tr('状态', 'State')}
            style={{ width: 120 }}
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            options={['pending', 'sent', 'failed', 'skipped'].map((s) => ({ value: s, label: s }))}
          />
        </Space>
      }
    >
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total, onChange: setPage }}
        columns={[
          { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime },
          { title: tr('渠道', 'Channel'), dataIndex: 'channel' },
          { title: tr('模板', 'Template'), dataIndex: 'template' },
          {
            title: tr('状态', 'State'),
            dataIndex: 'state',
            render: (s: string) => (
              <Tag color={s === 'sent' ? 'green' : s === 'failed' ? 'red' : 'default'}>{s}</Tag>
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
      {list.error && <div style={{ color: '#cf1322' }}>{(list.error as Error).message}</div>}
    </Card>
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
