import { useEffect, useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  creditAccountStateLabels,
  creditSuspendReasonLabels,
  type CreditAccountState,
} from '@qingnang/contracts';
import {
  listCreditAccounts,
  resumeCreditAccount,
  suspendCreditAccount,
  type CreditAccount,
} from '../../api/credit';
import { useMe } from '../../auth';
import { codeLabel } from '../../labels';
import { ListPage } from '../../components/ListPage';
import { applyServerErrors } from '../../components/serverErrors';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { holds } from '../../menu';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const STATE_COLORS: Partial<Record<CreditAccountState, string>> = { active: 'green', suspended: 'red' };
const CREDIT_STATES = Object.keys(creditAccountStateLabels) as CreditAccountState[];

export const creditStateTag = (tr: Tr, s: string, reason?: string | null) => {
  const word =
    s === 'suspended' && reason && reason in creditSuspendReasonLabels
      ? codeLabel(tr, creditSuspendReasonLabels, reason)
      : '';
  const why = word ? tr(`（${word}）`, ` (${word})`) : '';
  return (
    <Tag color={STATE_COLORS[s as CreditAccountState]}>
      {codeLabel(tr, creditAccountStateLabels, s) + why}
    </Tag>
  );
};

/** Suspension by finance: a reason is required (the server audits it and tells the patient). */
function SuspendDialog({ account, onClose }: { account: CreditAccount | null; onClose: () => void }) {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const id = account?.id;
  useEffect(() => {
    if (id) form.resetFields();
  }, [id, form]);
  const suspend = useMutation({
    mutationFn: (v: { reason: string }) => suspendCreditAccount(account!.id, v.reason.trim()),
    onSuccess: () => {
      message.success(tr('已暂停信用就医', 'Credit care suspended'));
      onClose();
      void qc.invalidateQueries({ queryKey: ['admin-credit-accounts'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  return (
    <Modal
      open={!!account}
      title={tr(
        `暂停信用就医：${account?.patientName ?? ''}`,
        `Suspend credit care: ${account?.patientName ?? ''}`,
      )}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tr('确认暂停', 'Suspend')}
      okButtonProps={{ danger: true, 'data-testid': 'credit-suspend-confirm' }}
      confirmLoading={suspend.isPending}
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => suspend.mutate(v)}>
        <Form.Item
          name="reason"
          label={tr('暂停原因（将通知患者）', 'Reason (the patient is told)')}
          rules={[
            { required: true, whitespace: true, message: tr('请填写原因', 'A reason is required') },
            { min: 2, max: 200 },
          ]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount data-testid="credit-suspend-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Credit care accounts (PAY-12/13): limits, what is owed and overdue; finance suspends an account by
 * hand and resumes it (not while overdue charges are unpaid). Patient names come masked.
 */
export function CreditAccountsPage() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const mayManage = holds(me?.permissions ?? [], 'credit.manage');
  const [suspending, setSuspending] = useState<CreditAccount | null>(null);
  const resume = useMutation({
    mutationFn: (id: string) => resumeCreditAccount(id),
    onSuccess: () => {
      message.success(tr('已恢复信用就医', 'Credit care resumed'));
      void qc.invalidateQueries({ queryKey: ['admin-credit-accounts'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<CreditAccount>
      title={tr('信用就医账户', 'Credit care accounts')}
      queryKey="admin-credit-accounts"
      fetch={listCreditAccounts}
      serverPaging={false}
      showTotal
      testId="credit-accounts"
      emptyText={tr('没有符合条件的信用就医账户', 'No credit care accounts match')}
      quickFilters={(set, q) => (
        <>
          <Select
            allowClear
            placeholder={tr('账户状态', 'State')}
            style={{ width: 130 }}
            value={q.state as string | undefined}
            onChange={(v) => set({ state: v })}
            data-testid="credit-accounts-state"
            options={CREDIT_STATES.map((s) => ({
              value: s,
              label: creditStateTag(tr, s),
            }))}
          />
          <Select
            allowClear
            placeholder={tr('是否逾期', 'Overdue')}
            style={{ width: 130 }}
            value={q.overdue as string | undefined}
            onChange={(v) => set({ overdue: v })}
            data-testid="credit-accounts-overdue"
            options={[{ value: 'true', label: tr('仅逾期', 'Overdue only') }]}
          />
        </>
      )}
      columns={[
        { title: tr('患者', 'Patient'), dataIndex: 'patientName' },
        { title: tr('协议号', 'Agreement'), dataIndex: 'agreementNo' },
        {
          title: tr('状态', 'State'),
          key: 'state',
          render: (_, r) => (
            <span data-testid={`credit-state-${r.id}`}>{creditStateTag(tr, r.state, r.suspendReason)}</span>
          ),
        },
        { title: tr('额度（元）', 'Limit'), dataIndex: 'limitFen', align: 'right', render: yuan },
        { title: tr('已用（元）', 'Used'), dataIndex: 'usedFen', align: 'right', render: yuan },
        { title: tr('欠费（元）', 'Owed'), dataIndex: 'owedFen', align: 'right', render: yuan },
        {
          title: tr('逾期（元）', 'Overdue'),
          dataIndex: 'overdueFen',
          align: 'right',
          render: (f: number) => (f ? <Tag color="red">{yuan(f)}</Tag> : yuan(f)),
        },
        {
          title: tr('无感支付', 'Frictionless'),
          dataIndex: 'frictionlessEnabled',
          render: (on: boolean) => (on ? tr('已开启', 'On') : tr('未开启', 'Off')),
        },
        { title: tr('开通时间', 'Activated'), dataIndex: 'activatedAt', render: dateTime },
        { title: tr('暂停时间', 'Suspended'), dataIndex: 'suspendedAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, r) =>
            !mayManage ? null : r.state === 'active' ? (
              <Button
                size="small"
                type="link"
                danger
                onClick={() => setSuspending(r)}
                data-testid={`credit-suspend-${r.id}`}
              >
                {tr('暂停', 'Suspend')}
              </Button>
            ) : r.state === 'suspended' ? (
              <Space>
                <Popconfirm
                  title={tr('确认恢复该患者的信用就医？', 'Resume credit care for this patient?')}
                  onConfirm={() => resume.mutate(r.id)}
                  okButtonProps={
                    { 'data-testid': 'credit-resume-confirm' } as Record<`data-${string}`, string>
                  }
                >
                  <Button
                    size="small"
                    type="link"
                    loading={resume.isPending && resume.variables === r.id}
                    data-testid={`credit-resume-${r.id}`}
                  >
                    {tr('恢复', 'Resume')}
                  </Button>
                </Popconfirm>
              </Space>
            ) : null,
        },
      ]}
    >
      <SuspendDialog account={suspending} onClose={() => setSuspending(null)} />
    </ListPage>
  );
}
