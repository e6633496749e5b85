import { App, Button, Popconfirm, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { eventDeliveryStateLabels } from '@qingnang/contracts';
import { eventDeliveries, type EventDelivery } from '../../api/events';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag } from '../../labels';

const STATE_COLORS = { pending: 'blue', delivered: 'green', dead: 'red' } as const;

/**
 * The event bus's dead letters (issue 10): an event a subscriber could not take after every retry
 * (for example the HIS refused a registration write-back for days). The administrator reads the
 * last error, fixes the cause, and delivers it again; the retry is audited by the server.
 */
export function EventDeliveriesPage() {
  const tr = useTr();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const retry = useMutation({
    mutationFn: (d: EventDelivery) => eventDeliveries.retry(d),
    onSuccess: (d) => {
      message.success(
        d.state === 'delivered'
          ? tr('已重新投递成功', 'Delivered on retry')
          : tr(
              '已重新投递，仍未成功，将按退避继续重试',
              'Retried; it failed again and will be retried with backoff',
            ),
      );
      void qc.invalidateQueries({ queryKey: ['event-deliveries'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <ListPage<EventDelivery>
      title={tr('事件投递：失败待处理', 'Event deliveries: dead letters')}
      queryKey="event-deliveries"
      fetch={eventDeliveries.listDead}
      serverPaging={false}
      testId="event-deliveries"
      before={
        <p style={{ marginTop: 0 }}>
          {tr(
            '模块之间的事件（如支付成功通知开票、挂号写回 HIS）会自动重试；用尽重试次数后列在这里。排除原因后可重新投递。',
            'Events between modules (a settled payment for invoicing, a registration for the HIS) are retried automatically; those that used up their retries are listed here. Retry one once its cause is fixed.',
          )}
        </p>
      }
      emptyText={tr('没有投递失败的事件', 'No dead deliveries')}
      columns={[
        { title: tr('发布时间', 'Published'), dataIndex: 'publishedAt', render: dateTime, width: 170 },
        { title: tr('事件', 'Event'), dataIndex: 'event' },
        { title: tr('订阅方', 'Subscriber'), dataIndex: 'subscriber' },
        { title: tr('尝试次数', 'Attempts'), dataIndex: 'attempts', width: 100 },
        {
          title: tr('最后错误', 'Last error'),
          dataIndex: 'lastError',
          render: (e: string | null) => (
            <Typography.Text type="danger" ellipsis={{ tooltip: e }} style={{ maxWidth: 320 }}>
              {e ?? '-'}
            </Typography.Text>
          ),
        },
        {
          title: tr('状态', 'State'),
          dataIndex: 'state',
          render: (s: string) => (
            <CodeTag tr={tr} table={eventDeliveryStateLabels} code={s} colors={STATE_COLORS} />
          ),
        },
        {
          title: tr('操作', 'Actions'),
          key: 'actions',
          render: (_, d) =>
            d.state === 'dead' ? (
              <Popconfirm
                title={tr('确认原因已排除并重新投递？', 'Cause fixed? Deliver it again?')}
                onConfirm={() => retry.mutate(d)}
              >
                <Button size="small" type="primary" data-testid={`event-retry-${d.eventId}-${d.subscriber}`}>
                  {tr('重新投递', 'Retry')}
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}
