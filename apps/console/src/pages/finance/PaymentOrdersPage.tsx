import { useState } from 'react';
import { App, Button, DatePicker, Descriptions, Drawer, Form, Input, Select, Table, Typography } from 'antd';
import { useMutation, useQuery } from '@tanstack/react-query';
import { DownloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { paymentNotificationKindLabels, paymentNotificationOutcomeLabels } from '@qingnang/contracts';
import {
  exportPaymentOrders,
  getPaymentOrder,
  listPaymentOrders,
  type PaymentOrder,
  type Refund,
} from '../../api/payments';
import type { Query } from '../../api/client';
import { downloadBlob } from '../../components/download';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { holds } from '../../menu';
import { codeLabel, inLanguage } from '../../labels';
import {
  BUSINESS_TYPES,
  abnormalReasonName,
  businessName,
  channelName,
  orderStateTag,
  refundStateTag,
} from './labels';
import { RefundDialog } from './RefundDialog';

export function canRefund(o: PaymentOrder) {
  return (o.refundableFen ?? o.amountFen - o.refundedFen) > 0;
}

export function OrderDrawer({ orderId, onClose }: { orderId: string | null; onClose: () => void }) {
  const tr = useTr();
  const q = useQuery({
    queryKey: ['payment-orders', 'one', orderId],
    queryFn: () => getPaymentOrder(orderId!),
    enabled: !!orderId,
  });
  const o = q.data;
  return (
    <Drawer open={!!orderId} onClose={onClose} title={tr('支付订单详情', 'Payment order')} size={640}>
      {o && (
        <>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={tr('订单号', 'Order number')}>
              <Typography.Text copyable>{o.orderNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={tr('业务', 'Business')}>
              {businessName(tr, o.businessType)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('说明', 'Subject')}>{o.subject}</Descriptions.Item>
            <Descriptions.Item label={tr('金额', 'Amount')}>¥{yuan(o.amountFen)}</Descriptions.Item>
            <Descriptions.Item label={tr('已退', 'Refunded')}>¥{yuan(o.refundedFen)}</Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'State')}>{orderStateTag(tr, o.state)}</Descriptions.Item>
            <Descriptions.Item label={tr('渠道', 'Channel')}>{channelName(tr, o.channel)}</Descriptions.Item>
            <Descriptions.Item label={tr('渠道交易号', 'Channel trade no.')}>
              {o.channelTradeNo}
            </Descriptions.Item>
            <Descriptions.Item label={tr('支付时间', 'Paid at')}>{dateTime(o.paidAt)}</Descriptions.Item>
            <Descriptions.Item label={tr('过期时间', 'Expires')}>{dateTime(o.expiresAt)}</Descriptions.Item>
            {o.abnormal && (
              <Descriptions.Item label={tr('异常', 'Abnormal')}>
                {abnormalReasonName(tr, o.abnormalReason)}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('退款记录', 'Refunds')}
          </Typography.Title>
          <Table<Refund>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={o.refunds ?? []}
            columns={[
              { title: tr('退款单号', 'Refund no.'), dataIndex: 'refundNo' },
              { title: tr('金额', 'Amount'), dataIndex: 'amountFen', render: yuan },
              {
                title: tr('状态', 'State'),
                dataIndex: 'state',
                render: (s: string) => refundStateTag(tr, s),
              },
              { title: tr('原因', 'Reason'), dataIndex: 'reason', render: (r: string) => inLanguage(tr, r) },
              { title: tr('时间', 'Time'), dataIndex: 'createdAt', render: dateTime },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('渠道通知', 'Channel notifications')}
          </Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={o.notifications ?? []}
            columns={[
              { title: tr('时间', 'Time'), dataIndex: 'receivedAt', render: dateTime },
              {
                title: tr('类型', 'Kind'),
                dataIndex: 'kind',
                render: (k: string) => codeLabel(tr, paymentNotificationKindLabels, k),
              },
              {
                title: tr('金额', 'Amount'),
                dataIndex: 'amountFen',
                render: (f: number | null) => (f == null ? '' : yuan(f)),
              },
              {
                title: tr('验签', 'Verified'),
                dataIndex: 'verified',
                render: (v: boolean) => (v ? '✓' : '✗'),
              },
              {
                title: tr('处理结果', 'Outcome'),
                dataIndex: 'outcome',
                render: (o: string) => notificationOutcome(tr, o),
              },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}

interface OrderFilters {
  q?: string;
  state?: string;
  channel?: string;
  businessType?: string;
  range?: [Dayjs, Dayjs];
}

export function PaymentOrdersPage() {
  const tr = useTr();
  const me = useMe();
  const [refunding, setRefunding] = useState<PaymentOrder | null>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const mayRefund = holds(me?.permissions ?? [], 'refunds.manage');
  const { message } = App.useApp();
  // the export takes the filters the list shows
  const [filters, setFilters] = useState<Query>({});
  const exporter = useMutation({
    mutationFn: () => exportPaymentOrders(filters),
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
    onError: (e) => message.error((e as Error).message),
  });

  return (
    <ListPage<PaymentOrder, OrderFilters>
      title={tr('支付订单', 'Payment orders')}
      queryKey="payment-orders"
      fetch={listPaymentOrders}
      testId="payment-orders"
      sizeChanger
      onFiltersChange={setFilters}
      extra={
        <Button
          icon={<DownloadOutlined />}
          loading={exporter.isPending}
          onClick={() => exporter.mutate()}
          data-testid="payment-orders-export"
        >
          {tr('导出 Excel', 'Export to Excel')}
        </Button>
      }
      filterForm={{
        submitTestId: 'payment-orders-search',
        toQuery: (v) => ({
          q: v.q?.trim() || undefined,
          state: v.state,
          channel: v.channel,
          businessType: v.businessType,
          from: v.range?.[0]?.startOf('day').toISOString(),
          to: v.range?.[1]?.endOf('day').toISOString(),
        }),
        fields: (
          <>
            <Form.Item name="q" label={tr('订单号', 'Order number')}>
              <Input allowClear style={{ width: 220 }} data-testid="payment-orders-q" />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 130 }}
                options={[
                  'created',
                  'paying',
                  'paid',
                  'closed',
                  'refunding',
                  'partially_refunded',
                  'refunded',
                ].map((s) => ({ value: s, label: orderStateTag(tr, s) }))}
              />
            </Form.Item>
            <Form.Item name="channel" label={tr('渠道', 'Channel')}>
              <Select
                allowClear
                style={{ width: 120 }}
                options={['sandbox', 'wechat', 'alipay'].map((c) => ({
                  value: c,
                  label: channelName(tr, c),
                }))}
              />
            </Form.Item>
            <Form.Item name="businessType" label={tr('业务', 'Business')}>
              <Select
                allowClear
                style={{ width: 170 }}
                options={BUSINESS_TYPES.map((b) => ({
                  value: b,
                  label: businessName(tr, b),
                }))}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('下单时间', 'Created')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('订单号', 'Order number'),
          dataIndex: 'orderNo',
          render: (n: string, o) => <a onClick={() => setDetail(o.id)}>{n}</a>,
        },
        {
          title: tr('业务', 'Business'),
          dataIndex: 'businessType',
          render: (b: string) => businessName(tr, b),
        },
        { title: tr('说明', 'Subject'), dataIndex: 'subject', ellipsis: true },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        { title: tr('已退（元）', 'Refunded'), dataIndex: 'refundedFen', align: 'right', render: yuan },
        {
          title: tr('渠道', 'Channel'),
          dataIndex: 'channel',
          render: (c: string | null) => channelName(tr, c),
        },
        { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => orderStateTag(tr, s) },
        { title: tr('支付时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
        { title: tr('下单时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, o) => (
            <>
              <Button size="small" type="link" onClick={() => setDetail(o.id)}>
                {tr('详情', 'Detail')}
              </Button>
              {mayRefund && canRefund(o) && (
                <Button
                  size="small"
                  type="link"
                  danger
                  onClick={() => setRefunding(o)}
                  data-testid={`order-refund-${o.orderNo}`}
                >
                  {tr('退款', 'Refund')}
                </Button>
              )}
            </>
          ),
        },
      ]}
    >
      <RefundDialog order={refunding} onClose={() => setRefunding(null)} />
      <OrderDrawer orderId={detail} onClose={() => setDetail(null)} />
    </ListPage>
  );
}

/** A notification's outcome in words; `query:<outcome>` is the same outcome learnt by asking the channel. */
function notificationOutcome(tr: Tr, outcome: string) {
  const queried = outcome.startsWith('query:');
  const label = codeLabel(tr, paymentNotificationOutcomeLabels, queried ? outcome.slice(6) : outcome);
  return queried ? `${label}${tr('（主动查询）', ' (by query)')}` : label;
}
