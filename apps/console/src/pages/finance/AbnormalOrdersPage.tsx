import { useState } from 'react';
import { Alert, Button, Card, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { listAbnormalOrders, type PaymentOrder } from '../../api/payments';
import { dateTime, yuan } from '../../format';
import { useTr } from '../../i18n';
import { businessName, channelName, orderStateTag } from './labels';
import { canRefund, OrderDrawer } from './PaymentOrdersPage';
import { RefundDialog } from './RefundDialog';

export function AbnormalOrdersPage() {
  const tr = useTr();
  const [page, setPage] = useState(1);
  const [refunding, setRefunding] = useState<PaymentOrder | null>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const query = { page, pageSize: 20 };
  const list = useQuery({ queryKey: ['abnormal-orders', query], queryFn: () => listAbnormalOrders(query) });
  return (
    <Card title={tr('异常订单', 'Abnormal orders')}>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={tr(
          '已支付但业务处理失败的订单（如锁号已过期后才到账）。系统会自动全额退款；自动退款失败的可在此人工处理。',
          'Paid orders whose business step failed (e.g. payment arrived after the slot lock expired). They are refunded automatically; handle failed refunds here.',
        )}
      />
      <Table<PaymentOrder>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total, onChange: setPage }}
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
          { title: tr('异常原因', 'Problem'), dataIndex: 'abnormalReason' },
          { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
          { title: tr('已退（元）', 'Refunded'), dataIndex: 'refundedFen', align: 'right', render: yuan },
          {
            title: tr('渠道', 'Channel'),
            dataIndex: 'channel',
            render: (c: string | null) => channelName(tr, c),
          },
          { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => orderStateTag(tr, s) },
          { title: tr('支付时间', 'Paid at'), dataIndex: 'paidAt', render: dateTime },
          {
            title: tr('操作', 'Actions'),
            key: 'a',
            render: (_, o) =>
              canRefund(o) ? (
                <Button size="small" type="link" danger onClick={() => setRefunding(o)}>
                  {tr('人工退款', 'Refund')}
                </Button>
              ) : null,
          },
        ]}
      />
      {list.error && <div style={{ color: '#cf1322' }}>{(list.error as Error).message}</div>}
      <RefundDialog order={refunding} onClose={() => setRefunding(null)} />
      <OrderDrawer orderId={detail} onClose={() => setDetail(null)} />
    </Card>
  );
}
