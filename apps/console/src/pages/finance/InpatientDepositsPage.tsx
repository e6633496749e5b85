import { App, Button, DatePicker, Form, Input, Select, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import {
  depositStateLabels,
  hisWriteStateLabels,
  type DepositState,
  type HisWriteState,
} from '@qingnang/contracts';
import { listInpatientDeposits, retryDepositWriteBack, type InpatientDeposit } from '../../api/inpatient';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { CodeTag } from '../../labels';
import { holds } from '../../menu';
import { channelName } from './labels';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const DEPOSIT_STATES = Object.keys(depositStateLabels) as DepositState[];
const HIS_STATES = Object.keys(hisWriteStateLabels) as HisWriteState[];
const DEPOSIT_COLORS: Partial<Record<DepositState, string>> = { pending: 'orange', paid: 'green' };
const HIS_COLORS: Partial<Record<HisWriteState, string>> = {
  pending: 'processing',
  confirmed: 'green',
  failed: 'red',
};

export const depositStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={depositStateLabels} code={s} colors={DEPOSIT_COLORS} />
);

export const depositHisTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={hisWriteStateLabels} code={s} colors={HIS_COLORS} />
);

interface DepositFilters {
  q?: string;
  state?: string;
  hisState?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * Inpatient deposit top-ups (INP-03): finance finds them by admission or order number and sees the
 * channel, the HIS write-back and what the discharge settlement refunded. Patient names come masked.
 */
export function InpatientDepositsPage() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const mayRetry = holds(me?.permissions ?? [], 'deposits.manage');
  const retry = useMutation({
    mutationFn: (id: string) => retryDepositWriteBack(id),
    onSuccess: (d) => {
      if (d.hisState === 'confirmed') message.success(tr('已回写 HIS', 'Written back to the HIS'));
      else
        message.warning(
          tr('HIS 仍未接收，系统将继续重试', 'The HIS did not take it yet; the job keeps retrying'),
        );
      void qc.invalidateQueries({ queryKey: ['admin-inpatient-deposits'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<InpatientDeposit, DepositFilters>
      title={tr('住院预交金', 'Inpatient deposits')}
      queryKey="admin-inpatient-deposits"
      fetch={listInpatientDeposits}
      showTotal
      sizeChanger
      testId="inpatient-deposits"
      emptyText={tr('没有符合条件的预交金记录', 'No deposits match')}
      filterForm={{
        submitTestId: 'inpatient-deposits-search',
        toQuery: (v) => ({
          q: v.q?.trim() || undefined,
          state: v.state,
          hisState: v.hisState,
          from: v.range?.[0]?.startOf('day').toISOString(),
          to: v.range?.[1]?.endOf('day').toISOString(),
        }),
        fields: (
          <>
            <Form.Item
              name="q"
              label={tr('住院号 / 订单号', 'Admission / order number')}
              rules={[
                {
                  pattern: /^[\w.:-]{1,64}$/,
                  message: tr('只能包含字母、数字和 _ . : -', 'Letters, digits and _ . : - only'),
                },
              ]}
            >
              <Input allowClear style={{ width: 220 }} data-testid="inpatient-deposits-q" />
            </Form.Item>
            <Form.Item name="state" label={tr('支付状态', 'Payment')}>
              <Select
                allowClear
                style={{ width: 130 }}
                data-testid="inpatient-deposits-state"
                options={DEPOSIT_STATES.map((s) => ({ value: s, label: depositStateTag(tr, s) }))}
              />
            </Form.Item>
            <Form.Item name="hisState" label={tr('HIS 回写', 'HIS write-back')}>
              <Select
                allowClear
                style={{ width: 130 }}
                data-testid="inpatient-deposits-his"
                options={HIS_STATES.map((s) => ({ value: s, label: depositHisTag(tr, s) }))}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('充值时间', 'Started')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('住院号', 'Admission'),
          dataIndex: 'admissionNo',
          render: (n: string, r) => <span data-testid={`inpatient-deposit-${r.id}`}>{n}</span>,
        },
        { title: tr('患者', 'Patient'), dataIndex: 'patientName' },
        {
          title: tr('病区床位', 'Ward / bed'),
          key: 'ward',
          render: (_, r) => [r.ward, r.bed].filter(Boolean).join(' '),
        },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        {
          title: tr('支付渠道', 'Channel'),
          dataIndex: 'channel',
          render: (c: string | null) => channelName(tr, c),
        },
        { title: tr('订单号', 'Order number'), dataIndex: 'orderNo' },
        {
          title: tr('支付状态', 'Payment'),
          dataIndex: 'state',
          render: (s: string) => depositStateTag(tr, s),
        },
        {
          title: tr('HIS 回写', 'HIS write-back'),
          key: 'his',
          render: (_, r) => (
            <span data-testid={`inpatient-deposit-his-${r.id}`}>
              {depositHisTag(tr, r.hisState)}
              {r.hisAttempts > 1 && tr(`${r.hisAttempts} 次`, `${r.hisAttempts}×`)}
            </span>
          ),
        },
        {
          title: tr('出院退还（元）', 'Refunded at discharge'),
          dataIndex: 'refundedFen',
          align: 'right',
          render: (f: number) => (f ? yuan(f) : '-'),
        },
        { title: tr('缴纳时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
        { title: tr('发起时间', 'Started'), dataIndex: 'createdAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, r) =>
            mayRetry && r.state === 'paid' && r.hisState === 'failed' ? (
              <Button
                size="small"
                type="link"
                loading={retry.isPending && retry.variables === r.id}
                onClick={() => retry.mutate(r.id)}
                data-testid={`inpatient-deposit-retry-${r.id}`}
              >
                {tr('重新回写', 'Retry write-back')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}
