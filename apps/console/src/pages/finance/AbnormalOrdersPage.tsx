import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { listAbnormalOrders, resolveAbnormal, type PaymentOrder } from '../../api/payments';
import { ListPage } from '../../components/ListPage';
import { applyServerErrors } from '../../components/serverErrors';
import { dateTime, yuan } from '../../format';
import { useTr } from '../../i18n';
import { abnormalReasonName, businessName, channelName, orderStateTag } from './labels';
import { canRefund, OrderDrawer } from './PaymentOrdersPage';
import { RefundDialog } from './RefundDialog';

export function AbnormalOrdersPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [refunding, setRefunding] = useState<PaymentOrder | null>(null);
  const [resolving, setResolving] = useState<PaymentOrder | null>(null);
  const [detail, setDetail] = useState<string | null>(null);
  const [form] = Form.useForm<{ note: string }>();
  const resolve = useMutation({
    mutationFn: (v: { note: string }) => resolveAbnormal(resolving!.abnormalId!, v.note.trim()),
    onSuccess: () => {
      setResolving(null);
      message.success(tr('已标记为已处理', 'Marked as resolved'));
      void qc.invalidateQueries({ queryKey: ['abnormal-orders'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  return (
    <ListPage<PaymentOrder>
      title={tr('异常订单', 'Abnormal orders')}
      queryKey="abnormal-orders"
      fetch={listAbnormalOrders}
      testId="abnormal-orders"
      rowKey={(o) => o.abnormalId ?? o.id}
      initialQuery={{ status: 'open' }}
      quickFilters={(set, q) => (
        <Select
          allowClear
          placeholder={tr('处理状态', 'Status')}
          style={{ width: 140 }}
          value={q.status as string | undefined}
          onChange={(v) => set({ status: v })}
          data-testid="abnormal-orders-status"
          options={[
            { value: 'open', label: tr('待处理', 'Open') },
            { value: 'resolved', label: tr('已处理', 'Resolved') },
          ]}
        />
      )}
      before={
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={tr(
            '已支付但业务处理失败的订单（如锁号已过期后才到账、HIS 回写多次失败）。系统会自动全额退款；请核对退款结果，必要时人工退款，再标记为已处理。',
            'Paid orders whose business step failed (e.g. payment arrived after the slot lock expired, or the HIS write-back kept failing). They are refunded automatically; check the refund, refund by hand when needed, then mark them resolved.',
          )}
        />
      }
      columns={[
        {
          title: tr('订单号', 'Order number'),
          dataIndex: 'orderNo',
          render: (n: string, o) => (
            <a onClick={() => setDetail(o.id)} data-testid={`abnormal-order-${n}`}>
              {n}
            </a>
          ),
        },
        {
          title: tr('业务', 'Business'),
          dataIndex: 'businessType',
          render: (b: string) => businessName(tr, b),
        },
        {
          title: tr('异常原因', 'Problem'),
          dataIndex: 'abnormalReason',
          render: (r: string | null) => abnormalReasonName(tr, r),
        },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        { title: tr('已退（元）', 'Refunded'), dataIndex: 'refundedFen', align: 'right', render: yuan },
        {
          title: tr('渠道', 'Channel'),
          dataIndex: 'channel',
          render: (c: string | null) => channelName(tr, c),
        },
        {
          title: tr('订单状态', 'Order state'),
          dataIndex: 'state',
          render: (s: string) => orderStateTag(tr, s),
        },
        {
          title: tr('处理', 'Status'),
          dataIndex: 'abnormalStatus',
          render: (s?: string) =>
            s === 'resolved' ? (
              <Tag color="green">{tr('已处理', 'Resolved')}</Tag>
            ) : (
              <Tag color="red">{tr('待处理', 'Open')}</Tag>
            ),
        },
        { title: tr('处理说明', 'Note'), dataIndex: 'resolutionNote', ellipsis: true },
        { title: tr('发现时间', 'Reported'), dataIndex: 'reportedAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          fixed: 'right',
          render: (_, o) => (
            <>
              {canRefund(o) && (
                <Button
                  size="small"
                  type="link"
                  danger
                  onClick={() => setRefunding(o)}
                  data-testid={`abnormal-refund-${o.orderNo}`}
                >
                  {tr('人工退款', 'Refund')}
                </Button>
              )}
              {o.abnormalStatus !== 'resolved' && (
                <Button
                  size="small"
                  type="link"
                  onClick={() => {
                    form.resetFields();
                    setResolving(o);
                  }}
                  data-testid={`abnormal-resolve-${o.orderNo}`}
                >
                  {tr('标记已处理', 'Resolve')}
                </Button>
              )}
            </>
          ),
        },
      ]}
    >
      <RefundDialog order={refunding} onClose={() => setRefunding(null)} />
      <OrderDrawer orderId={detail} onClose={() => setDetail(null)} />
      <Modal
        open={!!resolving}
        title={tr('标记异常订单已处理', 'Resolve the abnormal order')}
        onCancel={() => setResolving(null)}
        onOk={() => form.submit()}
        confirmLoading={resolve.isPending}
        okButtonProps={{ 'data-testid': 'abnormal-resolve-confirm' }}
        forceRender
      >
        <Form form={form} layout="vertical" onFinish={(v) => resolve.mutate(v)}>
          <Form.Item
            name="note"
            label={tr('处理说明', 'Note')}
            rules={[
              { required: true, whitespace: true },
              { min: 2, max: 500 },
            ]}
          >
            <Input.TextArea rows={3} data-testid="abnormal-resolve-note" />
          </Form.Item>
        </Form>
      </Modal>
    </ListPage>
  );
}
