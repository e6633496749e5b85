import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import {
  cancelSettlement,
  getSettlement,
  listSettlements,
  type InsuranceSettlement,
  type PlatformRecordView,
} from '../../api/insurance';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { applyServerErrors } from '../../components/serverErrors';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { holds } from '../../menu';
import { CodeTag, codeLabel } from '../../labels';
import { insuranceSettlementStateLabels, type InsuranceSettlementState } from '@qingnang/contracts';

const STATE_COLORS: Partial<Record<InsuranceSettlementState, string>> = {
  settling: 'processing',
  cash_pending: 'orange',
  settled: 'green',
  failed: 'red',
  reversing: 'orange',
  reversed: 'blue',
  refunding: 'orange',
  refunded: 'blue',
};

const stateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={insuranceSettlementStateLabels} code={s} colors={STATE_COLORS} />
);

const kindName = (tr: Tr, k: string) =>
  k === 'secondary'
    ? tr('二次结算', 'Secondary')
    : k === 'registration'
      ? tr('挂号费', 'Registration fee')
      : tr('门诊结算', 'Outpatient');

/** What finance may do at the window: cancel an unpaid settlement, refund a settled one. */
const windowAction = (s: InsuranceSettlement) =>
  s.state === 'settled' ? 'refund' : s.state === 'cash_pending' ? 'cancel' : null;

interface Filters {
  settlementNo?: string;
  state?: string;
  kind?: string;
  range?: [Dayjs, Dayjs];
}

/** Medical-insurance settlements (INS): fund / personal account / cash split, window cancel and refund. */
export function InsuranceSettlementsPage() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [detail, setDetail] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<InsuranceSettlement | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const mayCancel = holds(me?.permissions ?? [], 'refunds.manage');
  const cancel = useMutation({
    mutationFn: (v: { reason: string }) => cancelSettlement(cancelling!.id, v.reason.trim()),
    onSuccess: () => {
      setCancelling(null);
      message.success(
        tr('已提交，医保与现金部分将分别原路退回', 'Submitted; each part goes back to where it came from'),
      );
      void qc.invalidateQueries({ queryKey: ['insurance-settlements'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  return (
    <ListPage<InsuranceSettlement, Filters>
      title={tr('医保结算', 'Insurance settlements')}
      queryKey="insurance-settlements"
      fetch={listSettlements}
      serverPaging={false}
      showTotal
      testId="insurance-settlements"
      filterForm={{
        submitTestId: 'insurance-settlements-search',
        toQuery: (v) => ({
          settlementNo: v.settlementNo?.trim() || undefined,
          state: v.state,
          kind: v.kind,
          from: v.range?.[0]?.format('YYYY-MM-DD'),
          to: v.range?.[1]?.format('YYYY-MM-DD'),
        }),
        fields: (
          <>
            <Form.Item
              name="settlementNo"
              label={tr('结算号', 'Settlement no.')}
              rules={[{ pattern: /^[\w-]{4,40}$/, message: tr('4-40 位字母数字', '4-40 letters or digits') }]}
            >
              <Input allowClear style={{ width: 200 }} data-testid="insurance-settlements-no" />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 130 }}
                options={(Object.keys(insuranceSettlementStateLabels) as InsuranceSettlementState[])
                  .filter((s) => s !== 'pre_settled' && s !== 'expired')
                  .map((value) => ({ value, label: codeLabel(tr, insuranceSettlementStateLabels, value) }))}
              />
            </Form.Item>
            <Form.Item name="kind" label={tr('类型', 'Kind')}>
              <Select
                allowClear
                style={{ width: 120 }}
                options={['outpatient', 'secondary'].map((k) => ({ value: k, label: kindName(tr, k) }))}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('日期', 'Date')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('结算号', 'Settlement no.'),
          dataIndex: 'settlementNo',
          render: (n: string, s) => (
            <a onClick={() => setDetail(s.id)} data-testid={`insurance-settlement-${n}`}>
              {n}
            </a>
          ),
        },
        { title: tr('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => kindName(tr, k) },
        { title: tr('参保人', 'Insured'), dataIndex: 'patientName' },
        { title: tr('总额（元）', 'Total'), dataIndex: 'totalFen', align: 'right', render: yuan },
        { title: tr('统筹（元）', 'Fund'), dataIndex: 'fundFen', align: 'right', render: yuan },
        { title: tr('个账（元）', 'Account'), dataIndex: 'accountFen', align: 'right', render: yuan },
        { title: tr('现金（元）', 'Cash'), dataIndex: 'cashFen', align: 'right', render: yuan },
        { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => stateTag(tr, s) },
        { title: tr('现金订单', 'Cash order'), dataIndex: 'cashOrderNo' },
        { title: tr('结算时间', 'Settled'), dataIndex: 'settledAt', render: dateTime },
        { title: tr('创建时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, s) => {
            const action = mayCancel ? windowAction(s) : null;
            return action ? (
              <Button
                size="small"
                type="link"
                danger
                onClick={() => {
                  form.resetFields();
                  setCancelling(s);
                }}
                data-testid={`insurance-cancel-${s.settlementNo}`}
              >
                {action === 'refund' ? tr('窗口退费', 'Refund') : tr('撤销', 'Cancel')}
              </Button>
            ) : null;
          },
        },
      ]}
    >
      <SettlementDrawer id={detail} onClose={() => setDetail(null)} />
      <Modal
        open={!!cancelling}
        title={
          cancelling && windowAction(cancelling) === 'refund'
            ? tr('医保结算退费', 'Refund the settlement')
            : tr('撤销医保结算', 'Cancel the settlement')
        }
        onCancel={() => setCancelling(null)}
        onOk={() => form.submit()}
        okButtonProps={{ danger: true, 'data-testid': 'insurance-cancel-confirm' }}
        confirmLoading={cancel.isPending}
        forceRender
      >
        {cancelling && (
          <Alert
            type="info"
            style={{ marginBottom: 12 }}
            title={tr(
              `统筹 ¥${yuan(cancelling.fundFen)}、个账 ¥${yuan(cancelling.accountFen)} 退回医保，现金 ¥${yuan(cancelling.cashFen)} 原路退回。`,
              `Fund ¥${yuan(cancelling.fundFen)} and account ¥${yuan(cancelling.accountFen)} go back to insurance, cash ¥${yuan(cancelling.cashFen)} to its channel.`,
            )}
          />
        )}
        <Form form={form} layout="vertical" onFinish={(v) => cancel.mutate(v)}>
          <Form.Item
            name="reason"
            label={tr('原因（必填，将记入审计）', 'Reason (required, audited)')}
            rules={[
              { required: true, whitespace: true },
              { min: 2, max: 200 },
            ]}
          >
            <Input.TextArea rows={3} data-testid="insurance-cancel-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </ListPage>
  );
}

function SettlementDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const tr = useTr();
  const q = useQuery({
    queryKey: ['insurance-settlements', 'one', id],
    queryFn: () => getSettlement(id!),
    enabled: !!id,
  });
  const s = q.data;
  return (
    <Drawer open={!!id} onClose={onClose} size={640} title={tr('医保结算详情', 'Settlement')}>
      {q.error && <Alert type="error" showIcon title={(q.error as Error).message} />}
      {s && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={tr('结算号', 'Settlement no.')}>
              <Typography.Text copyable>{s.settlementNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={tr('类型', 'Kind')}>{kindName(tr, s.kind)}</Descriptions.Item>
            <Descriptions.Item label={tr('参保人', 'Insured')}>{s.patientName}</Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'State')}>
              {stateTag(tr, s.state)} {tr('医保部分', 'insurance part')}：{partName(tr, s.insuranceState)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('金额', 'Amounts')}>
              {tr('总额', 'Total')} ¥{yuan(s.totalFen)} = {tr('统筹', 'fund')} ¥{yuan(s.fundFen)} +{' '}
              {tr('个账', 'account')} ¥{yuan(s.accountFen)} + {tr('现金', 'cash')} ¥{yuan(s.cashFen)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('现金订单', 'Cash order')}>
              {s.cashOrderNo ?? ''} {s.cashOrderState ?? ''}
            </Descriptions.Item>
            <Descriptions.Item label={tr('说明', 'Reason')}>{s.reason}</Descriptions.Item>
            <Descriptions.Item label={tr('最后错误', 'Last error')}>{s.lastError}</Descriptions.Item>
            <Descriptions.Item label={tr('结算时间', 'Settled')}>{dateTime(s.settledAt)}</Descriptions.Item>
            <Descriptions.Item label={tr('关闭时间', 'Closed')}>{dateTime(s.closedAt)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('单据分摊', 'Bills')}
          </Typography.Title>
          <Table
            rowKey="billId"
            size="small"
            pagination={false}
            dataSource={s.bills ?? []}
            columns={[
              { title: tr('单据号', 'Bill no.'), dataIndex: 'billNo' },
              { title: tr('总额', 'Total'), dataIndex: 'totalFen', render: yuan },
              { title: tr('统筹', 'Fund'), dataIndex: 'fundFen', render: yuan },
              { title: tr('个账', 'Account'), dataIndex: 'accountFen', render: yuan },
              { title: tr('现金', 'Cash'), dataIndex: 'cashFen', render: yuan },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('医保平台记录', 'Insurance platform record')}
          </Typography.Title>
          {s.platform ? (
            <PlatformRecord settlement={s} platform={s.platform} />
          ) : (
            <Typography.Text type="secondary">
              {tr('医保平台暂无法查询', 'Not available now')}
            </Typography.Text>
          )}
        </>
      )}
    </Drawer>
  );
}

const partName = (tr: Tr, p: string) =>
  ({
    none: tr('未结算', 'Not settled'),
    unknown: tr('结果未知', 'Unknown'),
    settled: tr('已结算', 'Settled'),
    cancelled: tr('已撤销', 'Cancelled'),
    refunded: tr('已退回', 'Refunded'),
    not_found: tr('平台无此结算', 'Not found at the platform'),
  })[p] ?? p;

/** The insurance platform's own record next to ours (INS-12): finance sees at once whether they agree. */
function PlatformRecord({
  settlement,
  platform,
}: {
  settlement: InsuranceSettlement;
  platform: PlatformRecordView;
}) {
  const tr = useTr();
  const expected =
    settlement.insuranceState === 'none' || settlement.insuranceState === 'unknown'
      ? null
      : settlement.insuranceState;
  const agrees =
    platform.state === expected &&
    (platform.state !== 'settled' ||
      (platform.fundFen === settlement.fundFen && platform.accountFen === settlement.accountFen));
  return (
    <Descriptions column={1} size="small" bordered data-testid="insurance-platform-record">
      <Descriptions.Item label={tr('平台状态', 'Platform state')}>
        {partName(tr, platform.state)}{' '}
        {agrees ? (
          <Tag color="green">{tr('与本平台一致', 'Agrees')}</Tag>
        ) : (
          <Tag color="red">{tr('与本平台不一致，请核对', 'Differs: check it')}</Tag>
        )}
      </Descriptions.Item>
      <Descriptions.Item label={tr('统筹 / 个账 / 现金', 'Fund / account / cash')}>
        ¥{yuan(platform.fundFen ?? 0)} / ¥{yuan(platform.accountFen ?? 0)} / ¥{yuan(platform.cashFen ?? 0)}
      </Descriptions.Item>
    </Descriptions>
  );
}
