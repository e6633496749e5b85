import { useState } from 'react';
import { searchPatients, type PatientView } from '../../api/patients';
import { useMe } from '../../auth';
import { holds } from '../../menu';
import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Tabs, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  blacklistEntryStatusLabels,
  blacklistSourceLabels,
  blacklistTriggerLabels,
  type BlacklistEntryStatus,
  type BlacklistSource,
  type BlacklistTrigger,
} from '@qingnang/contracts';
import {
  addEntry,
  liftEntry,
  listEntries,
  rules,
  type BlacklistEntry,
  type BlacklistRule,
} from '../../api/blacklist';
import { CrudPage } from '../../components/CrudPage';
import { ListPage } from '../../components/ListPage';
import { applyServerErrors } from '../../components/serverErrors';
import { dateTime } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const STATUS_COLORS: Partial<Record<BlacklistEntryStatus, string>> = {
  active: 'red',
  scheduled: 'orange',
  lifted: 'blue',
};
const STATUSES = Object.keys(blacklistEntryStatusLabels) as BlacklistEntryStatus[];
const SOURCES = Object.keys(blacklistSourceLabels) as BlacklistSource[];
const TRIGGERS = Object.keys(blacklistTriggerLabels) as BlacklistTrigger[];

const statusTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={blacklistEntryStatusLabels} code={s} colors={STATUS_COLORS} />
);

const triggerLabel = (tr: Tr, k: string) => codeLabel(tr, blacklistTriggerLabels, k);

function Entries() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [lifting, setLifting] = useState<BlacklistEntry | null>(null);
  const [addForm] = Form.useForm();
  const [liftForm] = Form.useForm();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['blacklist'] });
  const add = useMutation({
    mutationFn: (v: { patientId: string; reason: string; days: number }) =>
      addEntry({ ...v, patientId: v.patientId.trim() }),
    onSuccess: () => {
      setAdding(false);
      message.success(tr('已加入黑名单', 'Added to the blacklist'));
      refresh();
    },
    onError: (e) => message.error(applyServerErrors(addForm, e)),
  });
  const lift = useMutation({
    mutationFn: (v: { reason: string }) => liftEntry(lifting!.id, v.reason),
    onSuccess: () => {
      setLifting(null);
      message.success(tr('已解除', 'Lifted'));
      refresh();
    },
    onError: (e) => message.error(applyServerErrors(liftForm, e)),
  });
  return (
    <ListPage<BlacklistEntry>
      bare
      queryKey="blacklist"
      fetch={listEntries}
      testId="blacklist"
      initialQuery={{ status: 'active' }}
      quickFilters={(set, q) => (
        <>
          <Select
            allowClear
            placeholder={tr('状态', 'Status')}
            style={{ width: 140 }}
            value={q.status as string | undefined}
            onChange={(v) => set({ status: v })}
            options={STATUSES.map((s) => ({
              value: s,
              label: statusTag(tr, s),
            }))}
          />
          <Select
            allowClear
            placeholder={tr('来源', 'Source')}
            style={{ width: 140 }}
            value={q.source as string | undefined}
            onChange={(v) => set({ source: v })}
            options={SOURCES.map((v) => ({ value: v, label: codeLabel(tr, blacklistSourceLabels, v) }))}
          />
        </>
      )}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            addForm.resetFields();
            addForm.setFieldsValue({ days: 90 });
            setAdding(true);
          }}
          data-testid="blacklist-add"
        >
          {tr('手动加入', 'Add manually')}
        </Button>
      }
      columns={[
        { title: tr('患者', 'Patient'), key: 'p', render: (_, e) => e.patientNameMasked ?? e.patientId },
        { title: tr('原因', 'Reason'), dataIndex: 'reason' },
        {
          title: tr('来源', 'Source'),
          key: 'src',
          render: (_, e) =>
            e.source === 'rule' ? `${tr('规则', 'Rule')}：${e.ruleName ?? ''}` : tr('手动', 'Manual'),
        },
        {
          title: tr('状态', 'Status'),
          dataIndex: 'status',
          render: (s: string) => statusTag(tr, s),
        },
        { title: tr('开始', 'Starts'), dataIndex: 'startsAt', render: dateTime },
        { title: tr('截止', 'Ends'), dataIndex: 'endsAt', render: dateTime },
        { title: tr('解除原因', 'Lift reason'), dataIndex: 'liftReason' },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          render: (_, e) =>
            e.status === 'active' || e.status === 'scheduled' ? (
              <Button
                size="small"
                type="link"
                onClick={() => {
                  liftForm.resetFields();
                  setLifting(e);
                }}
                data-testid={`blacklist-lift-${e.id}`}
              >
                {tr('解除', 'Lift')}
              </Button>
            ) : null,
        },
      ]}
    >
      <Modal
        open={adding}
        title={tr('手动加入黑名单', 'Add to the blacklist')}
        onCancel={() => setAdding(false)}
        onOk={() => addForm.submit()}
        confirmLoading={add.isPending}
        forceRender
      >
        <Form form={addForm} layout="vertical" onFinish={(v) => add.mutate(v)}>
          <PatientFinder onPick={(id) => addForm.setFieldsValue({ patientId: id })} />
          <Form.Item
            name="patientId"
            label={tr('患者 ID（就诊人）', 'Patient id')}
            extra={tr('可从挂号记录中复制', 'Copy it from the registration list')}
            rules={[
              { required: true },
              { pattern: /^[0-9a-f-]{36}$/i, message: tr('患者 ID 格式不正确', 'Not a patient id') },
            ]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            name="reason"
            label={tr('原因', 'Reason')}
            rules={[{ required: true, whitespace: true }, { max: 200 }]}
          >
            <Input.TextArea rows={2} />
          </Form.Item>
          <Form.Item name="days" label={tr('禁约天数', 'Ban length (days)')} rules={[{ required: true }]}>
            <InputNumber min={1} max={3650} precision={0} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!lifting}
        title={tr('解除黑名单', 'Lift the ban')}
        onCancel={() => setLifting(null)}
        onOk={() => liftForm.submit()}
        confirmLoading={lift.isPending}
        forceRender
      >
        <Form form={liftForm} layout="vertical" onFinish={(v) => lift.mutate(v)}>
          <Form.Item
            name="reason"
            label={tr('解除原因', 'Reason')}
            rules={[{ required: true, whitespace: true }, { max: 200 }]}
          >
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </ListPage>
  );
}

function Rules() {
  const tr = useTr();
  return (
    <CrudPage<BlacklistRule>
      title={tr('黑名单规则', 'Blacklist rules')}
      queryKey="blacklist-rules"
      resource={rules}
      testId="blacklist-rule"
      deletable
      newDefaults={{ triggerKind: 'no_shows', threshold: 3, periodDays: 90, banDays: 90, enabled: true }}
      columns={[
        { title: tr('名称', 'Name'), dataIndex: 'name' },
        {
          title: tr('触发', 'Trigger'),
          dataIndex: 'triggerKind',
          render: (k: string) => triggerLabel(tr, k),
        },
        {
          title: tr('条件', 'Condition'),
          key: 'c',
          render: (_, r) =>
            tr(`${r.periodDays} 天内 ≥ ${r.threshold} 次`, `≥ ${r.threshold} in ${r.periodDays} days`),
        },
        { title: tr('禁约天数', 'Ban (days)'), dataIndex: 'banDays' },
        {
          title: tr('启用', 'Enabled'),
          dataIndex: 'enabled',
          render: (e: boolean) => (e ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
        },
      ]}
      fromForm={(v: BlacklistRule) => ({
        name: v.name,
        triggerKind: v.triggerKind,
        threshold: v.threshold,
        periodDays: v.periodDays,
        banDays: v.banDays,
        enabled: v.enabled,
      })}
      renderForm={() => (
        <>
          <Form.Item
            name="name"
            label={tr('名称', 'Name')}
            rules={[{ required: true, whitespace: true }, { max: 100 }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="triggerKind" label={tr('触发条件', 'Trigger')} rules={[{ required: true }]}>
            <Select options={TRIGGERS.map((k) => ({ value: k, label: triggerLabel(tr, k) }))} />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item
              name="periodDays"
              label={tr('统计周期（天）', 'Period (days)')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={3650} precision={0} />
            </Form.Item>
            <Form.Item name="threshold" label={tr('次数阈值', 'Threshold')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100} precision={0} />
            </Form.Item>
            <Form.Item name="banDays" label={tr('禁约天数', 'Ban (days)')} rules={[{ required: true }]}>
              <InputNumber min={1} max={3650} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="enabled" label={tr('启用', 'Enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </>
      )}
    />
  );
}

export function BlacklistPage() {
  const tr = useTr();
  return (
    <Card title={tr('黑名单', 'Blacklist')}>
      <Tabs
        items={[
          { key: 'entries', label: tr('名单', 'Entries'), children: <Entries /> },
          { key: 'rules', label: tr('规则', 'Rules'), children: <Rules /> },
        ]}
      />
    </Card>
  );
}

/** Finds a patient by the full phone or ID number (needs patients.read) and fills in the id. */
function PatientFinder({ onPick }: { onPick: (id: string) => void }) {
  const tr = useTr();
  const me = useMe();
  const [found, setFound] = useState<PatientView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!holds(me?.permissions ?? [], 'patients.read')) return null;
  const search = async (v: string) => {
    const q = v.trim();
    if (!q) return;
    setBusy(true);
    setError(null);
    try {
      setFound(await searchPatients(/^1\d{10}$/.test(q) ? { phone: q } : { idNumber: q.toUpperCase() }));
    } catch (e) {
      setError((e as Error).message);
      setFound(null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form.Item label={tr('查找患者（完整手机号或证件号）', 'Find the patient (full phone or ID number)')}>
      <Input.Search
        allowClear
        loading={busy}
        onSearch={(v) => void search(v)}
        data-testid="blacklist-find-patient"
      />
      {error && <div style={{ color: '#cf1322', marginTop: 4 }}>{error}</div>}
      {found && found.length === 0 && <div style={{ marginTop: 4 }}>{tr('未找到', 'No patient found')}</div>}
      {found?.map((p) => (
        <div key={p.id} style={{ marginTop: 6 }}>
          <Button size="small" onClick={() => onPick(p.id)}>
            {tr('选择', 'Choose')}
          </Button>{' '}
          {p.name} · {p.idNumberMasked} · {p.phoneMasked}
        </div>
      ))}
    </Form.Item>
  );
}
