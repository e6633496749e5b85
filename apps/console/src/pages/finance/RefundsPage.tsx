import { useState } from 'react';
import { App, Button, Card, Select, Space, Table } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listRefunds, retryRefund, type Refund } from '../../api/payments';
import { dateTime, yuan } from '../../format';
import { useTr } from '../../i18n';
import { refundStateTag } from './labels';

export function RefundsPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [state, setState] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const query = { state, page, pageSize: 20 };
  const list = useQuery({ queryKey: ['refunds', query], queryFn: () => listRefunds(query) });
  const retry = useMutation({
    mutationFn: (id: string) => retryRefund(id),
    onSuccess: () => {
      message.success(tr('已重新提交（同一退款单号）', 'Retried with the same refund number'));
      void qc.invalidateQueries({ queryKey: ['refunds'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <Card
      title={tr('退款记录', 'Refunds')}
      extra={
        <Space>
          <Select
            allowClear
            placeholder={tr('状态', 'State')}
            style={{ width: 140 }}
            value={state}
            onChange={(v) => {
              setState(v);
              setPage(1);
            }}
            options={['requested', 'processing', 'succeeded', 'failed'].map((s) => ({
              value: s,
              label: refundStateTag(tr, s),
            }))}
          />
        </Space>
      }
    >
      <Table<Refund>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data?.items}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total, onChange: setPage }}
        columns={[
          { title: tr('退款单号', 'Refund no.'), dataIndex: 'refundNo' },
          { title: tr('订单号', 'Order no.'), key: 'o', render: (_, r) => r.orderNo ?? r.orderId },
          { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
          { title: tr('状态', 'State'), dataIndex: 'state', render: (s: string) => refundStateTag(tr, s) },
          { title: tr('原因', 'Reason'), dataIndex: 'reason' },
          { title: tr('发起方', 'Requested by'), dataIndex: 'requestedBy' },
          { title: tr('失败原因', 'Failure'), dataIndex: 'failureReason' },
          { title: tr('申请时间', 'Requested'), dataIndex: 'createdAt', render: dateTime },
          { title: tr('完成时间', 'Completed'), dataIndex: 'completedAt', render: dateTime },
          {
            title: tr('操作', 'Actions'),
            key: 'a',
            render: (_, r) =>
              r.state === 'failed' ? (
                <Button size="small" type="link" loading={retry.isPending} onClick={() => retry.mutate(r.id)}>
                  {tr('重试', 'Retry')}
                </Button>
              ) : null,
          },
        ]}
      />
      {list.error && <div style={{ color: '#cf1322' }}>{(list.error as Error).message}</div>}
    </Card>
  );
}
