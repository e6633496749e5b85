import { App, Button, Card, Form, Input, InputNumber, Select, Switch, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listReleaseRules, saveReleaseRule, type ReleaseRule } from '../../api/scheduling';
import { useTr } from '../../i18n';
import { channelLabel, levelLabel } from './labels';

function RuleRow({ rule }: { rule: ReleaseRule }) {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ReleaseRule>();
  const save = useMutation({
    mutationFn: (v: ReleaseRule) =>
      saveReleaseRule(rule.channel, {
        reservedPercent: v.reservedPercent,
        daysAhead: v.daysAhead,
        releaseTime: v.releaseTime,
        sameDayOnlyLevels: v.sameDayOnlyLevels,
        enabled: v.enabled,
      }),
    onSuccess: () => {
      message.success(tr('已保存', 'Saved'));
      void qc.invalidateQueries({ queryKey: ['release-rules'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <Form
      form={form}
      layout="inline"
      initialValues={rule}
      onFinish={(v) => save.mutate(v)}
      style={{ rowGap: 8 }}
    >
      <Form.Item name="reservedPercent" label={tr('预留比例 %', 'Quota %')} rules={[{ required: true }]}>
        <InputNumber min={0} max={100} precision={0} />
      </Form.Item>
      <Form.Item name="daysAhead" label={tr('提前放号天数', 'Days ahead')} rules={[{ required: true }]}>
        <InputNumber min={0} max={90} precision={0} />
      </Form.Item>
      <Form.Item
        name="releaseTime"
        label={tr('放号时间', 'Release time')}
        rules={[{ required: true }, { pattern: /^([01][0-9]|2[0-3]):[0-5][0-9]$/, message: 'HH:mm' }]}
      >
        <Input style={{ width: 80 }} />
      </Form.Item>
      <Form.Item name="sameDayOnlyLevels" label={tr('仅限当天的号别', 'Same-day-only levels')}>
        <Select
          mode="multiple"
          style={{ minWidth: 180 }}
          options={['general', 'expert', 'special'].map((l) => ({ value: l, label: levelLabel(tr, l) }))}
        />
      </Form.Item>
      <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
        <Switch />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        loading={save.isPending}
        data-testid={`release-rule-save-${rule.channel}`}
      >
        {tr('保存', 'Save')}
      </Button>
    </Form>
  );
}

export function ReleaseRulesPage() {
  const tr = useTr();
  const list = useQuery({ queryKey: ['release-rules'], queryFn: listReleaseRules });
  return (
    <Card title={tr('放号规则（按渠道）', 'Release rules by channel')}>
      <Table<ReleaseRule>
        rowKey="channel"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={false}
        columns={[
          {
            title: tr('渠道', 'Channel'),
            dataIndex: 'channel',
            width: 180,
            render: (c: string) => channelLabel(tr, c),
          },
          { title: tr('规则', 'Rule'), key: 'rule', render: (_, r) => <RuleRow rule={r} /> },
        ]}
      />
    </Card>
  );
}
