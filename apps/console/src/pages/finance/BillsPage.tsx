import { useState } from 'react';
import { DatePicker, Descriptions, Drawer, Form, Input, Select, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import { getBill, listBills, type Bill, type BillDetail } from '../../api/billing';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import {
  billKindLabels,
  billPaymentStateLabels,
  billStateLabels,
  billWriteBackStateLabels,
  executionStatusLabels,
  type BillPaymentState,
  type BillState,
  type BillWriteBackState,
} from '@qingnang/contracts';
import { CodeTag, codeLabel } from '../../labels';
import { channelName, orderStateTag, refundStateTag } from './labels';
import { OrderDrawer } from './PaymentOrdersPage';

const BILL_STATES = ['pending', 'paid', 'confirmed', 'refunded'] as const;

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const BILL_COLORS: Partial<Record<BillState, string>> = {
  pending: 'orange',
  paid: 'processing',
  confirmed: 'green',
  refunded: 'blue',
};
const PAYMENT_COLORS: Partial<Record<BillPaymentState, string>> = { paid: 'green', writeback_failed: 'red' };
const WRITE_BACK_COLORS: Partial<Record<BillWriteBackState, string>> = {
  pending: 'processing',
  done: 'green',
  failed: 'red',
};

export const billStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={billStateLabels} code={s} colors={BILL_COLORS} />
);

const kindName = (tr: Tr, k: string) => codeLabel(tr, billKindLabels, k);

const executionName = (tr: Tr, e: string) => codeLabel(tr, executionStatusLabels, e);

const paymentStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={billPaymentStateLabels} code={s} colors={PAYMENT_COLORS} />
);

const writeBackTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={billWriteBackStateLabels} code={s} colors={WRITE_BACK_COLORS} />
);

type Payment = BillDetail['payments'][number];

function BillDrawer({ billId, onClose }: { billId: string | null; onClose: () => void }) {
  const tr = useTr();
  const [order, setOrder] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['admin-bills', 'one', billId],
    queryFn: () => getBill(billId!),
    enabled: !!billId,
  });
  const b = q.data;
  return (
    <Drawer
      open={!!billId}
      onClose={onClose}
      title={tr('缴费单据详情', 'Outpatient bill')}
      size={720}
      data-testid="bill-drawer"
    >
      {q.error && <Typography.Text type="danger">{(q.error as Error).message}</Typography.Text>}
      {b && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={tr('单据号', 'Bill number')}>
              <Typography.Text copyable>{b.billNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={tr('就诊号', 'Visit number')}>{b.visitNo}</Descriptions.Item>
            <Descriptions.Item label={tr('患者', 'Patient')}>{b.patientName}</Descriptions.Item>
            <Descriptions.Item label={tr('就诊日期', 'Visit date')}>{b.visitDate}</Descriptions.Item>
            <Descriptions.Item label={tr('科室 / 医生', 'Department / doctor')}>
              {[b.departmentName, b.doctorName].filter(Boolean).join(' · ')}
            </Descriptions.Item>
            <Descriptions.Item label={tr('类别', 'Kind')}>
              {kindName(tr, b.kind)} · {b.title}
            </Descriptions.Item>
            <Descriptions.Item label={tr('金额', 'Amount')}>¥{yuan(b.amountFen)}</Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'State')}>
              <span data-testid="bill-drawer-state">{billStateTag(tr, b.state)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={tr('执行科室', 'Executed at')}>
              {b.execDepartment}（{b.execLocation}）
            </Descriptions.Item>
            <Descriptions.Item label={tr('执行状态', 'Execution')}>
              {executionName(tr, b.executionStatus)} {dateTime(b.executedAt)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('HIS 收据号', 'HIS receipt')}>{b.hisReceiptNo}</Descriptions.Item>
            <Descriptions.Item label={tr('纸质发票', 'Paper invoice')}>
              {b.invoiced ? tr('已打印', 'Printed') : tr('未打印', 'Not printed')}
            </Descriptions.Item>
            <Descriptions.Item label={tr('开单时间', 'Billed at')}>{dateTime(b.billedAt)}</Descriptions.Item>
            <Descriptions.Item label={tr('缴费时间', 'Paid at')}>{dateTime(b.paidAt)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('费用明细', 'Items')}
          </Typography.Title>
          <Table
            rowKey="seq"
            size="small"
            pagination={false}
            dataSource={b.items}
            scroll={{ x: 'max-content' }}
            data-testid="bill-drawer-items"
            columns={[
              { title: tr('编码', 'Code'), dataIndex: 'code' },
              { title: tr('名称', 'Name'), dataIndex: 'name' },
              { title: tr('规格', 'Spec'), dataIndex: 'spec' },
              {
                title: tr('数量', 'Quantity'),
                key: 'q',
                align: 'right',
                render: (_, i) => `${i.quantity}${i.unit ?? ''}`,
              },
              {
                title: tr('单价（元）', 'Unit price'),
                dataIndex: 'unitPriceFen',
                align: 'right',
                render: yuan,
              },
              { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('缴费与 HIS 回写', 'Payments and HIS write-back')}
          </Typography.Title>
          <Table<Payment>
            rowKey="paymentId"
            size="small"
            pagination={false}
            dataSource={b.payments}
            scroll={{ x: 'max-content' }}
            data-testid="bill-drawer-payments"
            locale={{ emptyText: tr('尚未缴费', 'Not paid yet') }}
            expandable={{
              rowExpandable: (p) => p.refunds.length > 0,
              expandedRowRender: (p) => (
                <Table
                  rowKey="refundId"
                  size="small"
                  pagination={false}
                  dataSource={p.refunds}
                  columns={[
                    { title: tr('退款单号', 'Refund number'), dataIndex: 'refundNo' },
                    {
                      title: tr('金额（元）', 'Amount'),
                      dataIndex: 'amountFen',
                      align: 'right',
                      render: yuan,
                    },
                    {
                      title: tr('状态', 'State'),
                      dataIndex: 'state',
                      render: (s: string) => refundStateTag(tr, s),
                    },
                    { title: tr('原因', 'Reason'), dataIndex: 'reason', ellipsis: true },
                    { title: tr('申请时间', 'Requested'), dataIndex: 'createdAt', render: dateTime },
                  ]}
                />
              ),
            }}
            columns={[
              {
                title: tr('订单号', 'Order number'),
                key: 'order',
                render: (_, p) =>
                  p.order ? (
                    <a
                      onClick={() => setOrder(p.order!.orderId)}
                      data-testid={`bill-payment-${p.order.orderNo}`}
                    >
                      {p.order.orderNo}
                    </a>
                  ) : (
                    p.settlementNo && `${tr('医保结算', 'Insurance')} ${p.settlementNo}`
                  ),
              },
              {
                title: tr('缴费', 'Payment'),
                dataIndex: 'state',
                render: (s: string) => paymentStateTag(tr, s),
              },
              {
                title: tr('支付订单', 'Order'),
                key: 'os',
                render: (_, p) =>
                  p.order && (
                    <>
                      {orderStateTag(tr, p.order.state)} {channelName(tr, p.order.channel)}
                    </>
                  ),
              },
              { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
              { title: tr('单据数', 'Bills'), dataIndex: 'billCount', align: 'right' },
              {
                title: tr('HIS 回写', 'Write-back'),
                key: 'wb',
                render: (_, p) =>
                  p.writeBack ? (
                    <span data-testid={`bill-writeback-${p.paymentId}`}>
                      {writeBackTag(tr, p.writeBack.state)}
                      {p.writeBack.attempts > 0 &&
                        tr(`${p.writeBack.attempts} 次`, `${p.writeBack.attempts}×`)}
                      {p.writeBack.lastError && (
                        <Typography.Text
                          type="secondary"
                          ellipsis
                          style={{ maxWidth: 180, display: 'block' }}
                        >
                          {p.writeBack.lastError}
                        </Typography.Text>
                      )}
                    </span>
                  ) : (
                    '-'
                  ),
              },
              { title: tr('支付时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
            ]}
          />
          <OrderDrawer orderId={order} onClose={() => setOrder(null)} />
        </>
      )}
    </Drawer>
  );
}

interface BillFilters {
  q?: string;
  state?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * Outpatient bills the HIS pushed (PAY): finance finds one by bill or visit number and sees its
 * items, the payments that carried it, refunds and the HIS write-back. Patient names come masked.
 */
export function BillsPage() {
  const tr = useTr();
  const [detail, setDetail] = useState<string | null>(null);
  return (
    <ListPage<Bill, BillFilters>
      title={tr('门诊缴费单据', 'Outpatient bills')}
      queryKey="admin-bills"
      fetch={listBills}
      showTotal
      sizeChanger
      testId="bills"
      emptyText={tr('没有符合条件的单据', 'No bills match')}
      filterForm={{
        submitTestId: 'bills-search',
        toQuery: (v) => ({
          q: v.q?.trim() || undefined,
          state: v.state,
          from: v.range?.[0]?.startOf('day').toISOString(),
          to: v.range?.[1]?.endOf('day').toISOString(),
        }),
        fields: (
          <>
            <Form.Item
              name="q"
              label={tr('单据号 / 就诊号', 'Bill / visit number')}
              rules={[
                {
                  pattern: /^[\w.:-]{1,64}$/,
                  message: tr('只能包含字母、数字和 _ . : -', 'Letters, digits and _ . : - only'),
                },
              ]}
            >
              <Input allowClear style={{ width: 220 }} data-testid="bills-q" />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 150 }}
                data-testid="bills-state"
                options={BILL_STATES.map((s) => ({ value: s, label: billStateTag(tr, s) }))}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('开单时间', 'Billed')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('单据号', 'Bill number'),
          dataIndex: 'billNo',
          render: (n: string, r) => (
            <a onClick={() => setDetail(r.id)} data-testid={`bill-row-${n}`}>
              {n}
            </a>
          ),
        },
        { title: tr('就诊号', 'Visit number'), dataIndex: 'visitNo' },
        { title: tr('患者', 'Patient'), dataIndex: 'patientName' },
        { title: tr('科室', 'Department'), dataIndex: 'departmentName' },
        { title: tr('类别', 'Kind'), dataIndex: 'kind', render: (k: string) => kindName(tr, k) },
        { title: tr('项目', 'Title'), dataIndex: 'title', ellipsis: true },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => billStateTag(tr, s) },
        {
          title: tr('执行', 'Execution'),
          dataIndex: 'executionStatus',
          render: (e: string) => executionName(tr, e),
        },
        { title: tr('开单时间', 'Billed at'), dataIndex: 'billedAt', render: dateTime },
        { title: tr('缴费时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
      ]}
    >
      <BillDrawer billId={detail} onClose={() => setDetail(null)} />
    </ListPage>
  );
}
