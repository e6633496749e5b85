import { App, Button, Input, Select } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { refundInitiatorLabels, refundInitiatorOf } from '@qingnang/contracts';
import { listRefunds, retryRefund, type Refund } from '../../api/payments';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr } from '../../i18n';
import { codeLabel, inLanguage } from '../../labels';
import { refundStateTag } from './labels';

export function RefundsPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: (id: string) => retryRefund(id),
    onSuccess: () => {
      message.success(tr('已重新提交（同一退款单号）', 'Retried with the same refund number'));
      void qc.invalidateQueries({ queryKey: ['refunds'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<Refund>
      title={tr('退款记录', 'Refunds')}
      queryKey="refunds"
      fetch={listRefunds}
      testId="refunds"
      quickFilters={(set, q) => (
        <>
          <Input.Search
            allowClear
            placeholder={tr('订单号', 'Order number')}
            onSearch={(v) => set({ q: v.trim() || undefined })}
            style={{ width: 220 }}
            data-testid="refunds-q"
          />
          <Select
            allowClear
            placeholder={tr('状态', 'State')}
            style={{ width: 140 }}
            value={q.state as string | undefined}
            onChange={(v) => set({ state: v })}
            options={['requested', 'processing', 'succeeded', 'failed'].map((s) => ({
              value: s,
              label: refundStateTag(tr, s),
            }))}
          />
        </>
      )}
      columns={[
        { title: tr('退款单号', 'Refund no.'), dataIndex: 'refundNo' },
        {
          title: tr('订单号', 'Order no.'),
          key: 'o',
          render: (_, r) => (
            <span data-testid={`refund-order-${r.orderNo ?? r.orderId}`}>{r.orderNo ?? r.orderId}</span>
          ),
        },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => refundStateTag(tr, s) },
        { title: tr('原因', 'Reason'), dataIndex: 'reason', render: (r: string) => inLanguage(tr, r) },
        {
          title: tr('发起方', 'Requested by'),
          dataIndex: 'requestedBy',
          render: (by: string) => codeLabel(tr, refundInitiatorLabels, refundInitiatorOf(by)),
        },
        { title: tr('失败原因', 'Failure'), dataIndex: 'failureReason' },
        { title: tr('申请时间', 'Requested'), dataIndex: 'createdAt', render: dateTime },
        { title: tr('完成时间', 'Completed'), dataIndex: 'completedAt', render: dateTime },
        {
          title: tr('操作', 'Actions'),
          key: 'a',
          render: (_, r) =>
            r.state === 'failed' ? (
              <Button
                size="small"
                type="link"
                loading={retry.isPending}
                onClick={() => retry.mutate(r.id)}
                data-testid={`refund-retry-${r.refundNo}`}
              >
                {tr('重试', 'Retry')}
              </Button>
            ) : null,
        },
      ]}
    />
  );
}
