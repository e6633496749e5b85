import { useState } from 'react';
import {
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  CHANNEL_KINDS,
  INTEGRATION_OPERATIONS,
  channels,
  listIntegrationCalls,
  type ChannelWithSecret,
  type IntegrationCall,
  type IntegrationChannel,
} from '../../api/gateway';
import { CrudPage } from '../../components/CrudPage';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { codeLabel } from '../../labels';
import { integrationChannelKindLabels, integrationOperationLabels } from '@qingnang/contracts';

const kindLabel = (tr: Tr, k: string) => codeLabel(tr, integrationChannelKindLabels, k);

const opLabel = (tr: Tr, o: string) => codeLabel(tr, integrationOperationLabels, o);

function SecretNotice({ channel, onClose }: { channel: ChannelWithSecret | null; onClose: () => void }) {
  const tr = useTr();
  return (
    <Modal
      open={!!channel}
      title={tr('渠道密钥（仅显示一次）', 'Channel secret (shown once)')}
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <p>
        {tr(
          '请立即复制并安全地交给对接方；关闭后无法再次查看。',
          'Copy it now and hand it over securely; it cannot be shown again.',
        )}
      </p>
      <p>
        AppId:{' '}
        <Typography.Text copyable code>
          {channel?.appId}
        </Typography.Text>
      </p>
      <p>
        Secret:{' '}
        <Typography.Text copyable code data-testid="channel-secret">
          {channel?.secret}
        </Typography.Text>
      </p>
    </Modal>
  );
}

function ChannelList() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [secret, setSecret] = useState<ChannelWithSecret | null>(null);
  const rotate = useMutation({
    mutationFn: (id: string) => channels.rotateSecret(id),
    onSuccess: (c) => {
      setSecret(c);
      void qc.invalidateQueries({ queryKey: ['channels'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <>
      <CrudPage<IntegrationChannel>
        title={tr('外联渠道', 'Integration channels')}
        queryKey="channels"
        resource={{
          ...channels,
          create: async (body) => {
            const c = await channels.create(body);
            setSecret(c);
            return c;
          },
        }}
        testId="channel"
        deletable
        newDefaults={{
          kind: 'booking_platform',
          allowedOperations: [...INTEGRATION_OPERATIONS],
          enabled: true,
        }}
        columns={[
          { title: tr('编码', 'Code'), dataIndex: 'code' },
          { title: tr('名称', 'Name'), dataIndex: 'name' },
          { title: tr('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => kindLabel(tr, k) },
          { title: 'AppId', dataIndex: 'appId' },
          {
            title: tr('允许的操作', 'Operations'),
            dataIndex: 'allowedOperations',
            render: (ops: string[]) => ops.map((o) => <Tag key={o}>{opLabel(tr, o)}</Tag>),
          },
          {
            title: tr('开放时段', 'Hours'),
            key: 'h',
            render: (_, c) =>
              c.allowedFrom || c.allowedUntil
                ? `${c.allowedFrom ?? '00:00'}–${c.allowedUntil ?? '24:00'}`
                : tr('全天', 'All day'),
          },
          {
            title: tr('启用', 'Enabled'),
            dataIndex: 'enabled',
            render: (e: boolean) => (e ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
          },
          { title: tr('密钥更新', 'Secret rotated'), dataIndex: 'secretRotatedAt', render: dateTime },
        ]}
        rowActions={(c) => (
          <Popconfirm
            title={tr('重置后旧密钥立即失效，继续？', 'The old secret stops working at once. Continue?')}
            onConfirm={() => rotate.mutate(c.id)}
          >
            <Button size="small" type="link">
              {tr('重置密钥', 'Rotate secret')}
            </Button>
          </Popconfirm>
        )}
        fromForm={(v: IntegrationChannel, editing) => {
          const body = {
            name: v.name,
            kind: v.kind,
            allowedOperations: v.allowedOperations ?? [],
            allowedFrom: v.allowedFrom || null,
            allowedUntil: v.allowedUntil || null,
            enabled: v.enabled,
          };
          return editing ? body : { ...body, code: v.code };
        }}
        renderForm={(editing) => (
          <>
            <Form.Item
              name="code"
              label={tr('编码', 'Code')}
              rules={[
                { required: true },
                {
                  pattern: /^[a-z0-9][a-z0-9_-]{1,39}$/,
                  message: tr('2-40 位小写字母、数字、_、-', '2-40 lower-case letters, digits, _ and -'),
                },
              ]}
            >
              <Input disabled={!!editing} />
            </Form.Item>
            <Form.Item
              name="name"
              label={tr('名称', 'Name')}
              rules={[{ required: true, whitespace: true }, { max: 100 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="kind" label={tr('类型', 'Kind')} rules={[{ required: true }]}>
              <Select options={CHANNEL_KINDS.map((k) => ({ value: k, label: kindLabel(tr, k) }))} />
            </Form.Item>
            <Form.Item name="allowedOperations" label={tr('允许的操作', 'Allowed operations')}>
              <Checkbox.Group
                options={INTEGRATION_OPERATIONS.map((o) => ({ value: o, label: opLabel(tr, o) }))}
              />
            </Form.Item>
            <Space>
              <Form.Item
                name="allowedFrom"
                label={tr('开放开始', 'From')}
                rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}
              >
                <Input placeholder="07:00" style={{ width: 100 }} />
              </Form.Item>
              <Form.Item
                name="allowedUntil"
                label={tr('开放结束', 'Until')}
                rules={[{ pattern: /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, message: 'HH:mm' }]}
              >
                <Input placeholder="22:00" style={{ width: 100 }} />
              </Form.Item>
            </Space>
            <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        )}
      />
      <SecretNotice channel={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function CallLog() {
  const tr = useTr();
  return (
    <ListPage<IntegrationCall>
      bare
      queryKey="integration-calls"
      fetch={listIntegrationCalls}
      testId="integration-calls"
      pageSize={50}
      size="small"
      columns={[
        { title: tr('时间', 'Time'), dataIndex: 'at', render: dateTime },
        { title: 'AppId', dataIndex: 'appId' },
        {
          title: tr('操作', 'Operation'),
          dataIndex: 'operation',
          render: (o: string | null) => (o ? opLabel(tr, o) : ''),
        },
        { title: tr('请求', 'Request'), key: 'r', render: (_, c) => `${c.method} ${c.path}` },
        {
          title: tr('结果', 'Outcome'),
          dataIndex: 'outcome',
          render: (o: string) =>
            o === 'ok' || o === 'success' ? (
              <Tag color="green">{tr('成功', 'Succeeded')}</Tag>
            ) : (
              <Tag color="red">{tr('被拒绝', 'Refused')}</Tag>
            ),
        },
        { title: 'HTTP', dataIndex: 'status' },
        { title: tr('耗时 ms', 'ms'), dataIndex: 'durationMs' },
      ]}
    />
  );
}

export function ChannelsPage() {
  const tr = useTr();
  return (
    <Tabs
      items={[
        { key: 'channels', label: tr('渠道', 'Channels'), children: <ChannelList /> },
        {
          key: 'calls',
          label: tr('调用日志', 'Call log'),
          children: (
            <Card>
              <CallLog />
            </Card>
          ),
        },
      ]}
    />
  );
}
