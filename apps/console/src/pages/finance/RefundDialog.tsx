import { useEffect, useState } from 'react';
import { Alert, App, Form, Input, InputNumber, Modal } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { refundOrder, type PaymentOrder } from '../../api/payments';
import { applyServerErrors } from '../../components/serverErrors';
import { toFen, yuan } from '../../format';
import { useTr } from '../../i18n';

/** Manual refund by finance: amount up to what is left, reason required (the server audits it). */
export function RefundDialog({ order, onClose }: { order: PaymentOrder | null; onClose: () => void }) {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ amountYuan: number; reason: string }>();
  const left = order ? (order.refundableFen ?? order.amountFen - order.refundedFen) : 0;
  const [key, setKey] = useState('');
  // Filled when the dialog opens (not after its animation: what is typed meanwhile must stay).
  const orderId = order?.id;
  useEffect(() => {
    if (!orderId) return;
    setKey(idempotencyKey());
    form.resetFields();
    form.setFieldsValue({ amountYuan: left / 100 });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [orderId]);
  const refund = useMutation({
    mutationFn: (v: { amountYuan: number; reason: string }) =>
      refundOrder(order!.id, { amountFen: toFen(v.amountYuan), reason: v.reason.trim() }, key),
    onSuccess: (r) => {
      message.success(tr(`已提交退款 ${r.refundNo}`, `Refund ${r.refundNo} submitted`));
      onClose();
      void qc.invalidateQueries({ queryKey: ['payment-orders'] });
      void qc.invalidateQueries({ queryKey: ['refunds'] });
      void qc.invalidateQueries({ queryKey: ['abnormal-orders'] });
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  return (
    <Modal
      open={!!order}
      title={tr('人工退款', 'Manual refund')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={tr('确认退款', 'Refund')}
      okButtonProps={{ danger: true, 'data-testid': 'refund-confirm' }}
      confirmLoading={refund.isPending}
      forceRender
    >
      {order && (
        <Alert
          type="info"
          style={{ marginBottom: 12 }}
          title={tr(
            `订单 ${order.orderNo}：实付 ¥${yuan(order.amountFen)}，已退 ¥${yuan(order.refundedFen)}，可退 ¥${yuan(left)}`,
            `Order ${order.orderNo}: paid ¥${yuan(order.amountFen)}, refunded ¥${yuan(order.refundedFen)}, refundable ¥${yuan(left)}`,
          )}
        />
      )}
      <Form form={form} layout="vertical" onFinish={(v) => refund.mutate(v)}>
        <Form.Item
          name="amountYuan"
          label={tr('退款金额（元）', 'Amount (yuan)')}
          rules={[
            { required: true },
            {
              validator: (_, v: number) =>
                v > 0 && toFen(v) <= left
                  ? Promise.resolve()
                  : Promise.reject(
                      new Error(tr(`金额须大于 0 且不超过 ${yuan(left)}`, `Between 0.01 and ${yuan(left)}`)),
                    ),
            },
          ]}
        >
          <InputNumber
            min={0.01}
            max={left / 100}
            precision={2}
            style={{ width: '100%' }}
            data-testid="refund-amount"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={tr('退款原因（必填，将记入审计）', 'Reason (required, audited)')}
          rules={[
            { required: true, whitespace: true, message: tr('请填写退款原因', 'A reason is required') },
            { min: 2, max: 200 },
          ]}
        >
          <Input.TextArea rows={3} data-testid="refund-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 32 hex characters; crypto.randomUUID needs a secure context, which an intranet http site is not. */
function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
