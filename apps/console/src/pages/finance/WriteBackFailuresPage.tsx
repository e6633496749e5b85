import { useState } from 'react';
import { Alert, Tag } from 'antd';
import { listWriteBackFailures, type WriteBackFailure } from '../../api/billing';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr } from '../../i18n';
import { OrderDrawer } from './PaymentOrdersPage';

/**
 * Outpatient bill payments the HIS never confirmed (PAY): after the configured number of failed
 * write-backs the platform refunded them in full and opened an abnormal order; finance checks the
 * refund here and in the abnormal-order list.
 */
export function WriteBackFailuresPage() {
  const tr = useTr();
  const [detail, setDetail] = useState<string | null>(null);
  return (
    <ListPage<WriteBackFailure>
      title={tr('HIS 回写失败', 'HIS write-back failures')}
      queryKey="bill-writeback-failures"
      fetch={listWriteBackFailures}
      serverPaging={false}
      showTotal
      testId="writeback-failures"
      rowKey="paymentId"
      emptyText={tr('暂无回写失败的缴费', 'No failed write-backs')}
      before={
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={tr(
            '门诊缴费成功后需回写 HIS；系统按退避间隔自动重试，达到最大次数仍失败时自动全额原路退款，并生成异常订单（HIS 回写失败）。请在“异常订单”中核对退款并标记已处理。',
            'After a bill is paid the HIS is told; failed write-backs are retried with backoff, and after the last attempt the payment is refunded in full and an abnormal order (HIS write-back failed) is opened. Check the refund under Abnormal orders and mark it resolved.',
          )}
        />
      }
      columns={[
        {
          title: tr('订单号', 'Order number'),
          dataIndex: 'orderNo',
          render: (n: string | null, r) => (
            <a onClick={() => setDetail(r.orderId)} data-testid={`writeback-failure-${n ?? r.orderId}`}>
              {n ?? r.orderId}
            </a>
          ),
        },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'amountFen', align: 'right', render: yuan },
        { title: tr('单据数', 'Bills'), dataIndex: 'billCount', align: 'right' },
        { title: tr('尝试次数', 'Attempts'), dataIndex: 'attempts', align: 'right' },
        { title: tr('最后错误', 'Last error'), dataIndex: 'lastError', ellipsis: true },
        {
          title: tr('自动退款', 'Refund'),
          dataIndex: 'refundId',
          render: (id: string | null) =>
            id ? <Tag color="blue">{tr('已发起', 'Requested')}</Tag> : <Tag>{tr('无', 'None')}</Tag>,
        },
        { title: tr('失败时间', 'Failed at'), dataIndex: 'failedAt', render: dateTime },
      ]}
    >
      <OrderDrawer orderId={detail} onClose={() => setDetail(null)} />
    </ListPage>
  );
}
