import { DatePicker, Form, Input, Select, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { listAuditLogs, type AuditEntry } from '../../api/staff';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';

interface AuditFilters {
  actorId?: string;
  action?: string;
  objectType?: string;
  outcome?: string;
  range?: [Dayjs, Dayjs];
}

export function AuditLogPage() {
  const tr = useTr();
  return (
    <ListPage<AuditEntry, AuditFilters>
      title={tr('审计日志', 'Audit log')}
      queryKey="audit-logs"
      fetch={listAuditLogs}
      testId="audit"
      rowKey={(r) => String(r.id)}
      size="small"
      sizeChanger={[10, 20, 50, 100]}
      filterForm={{
        submitTestId: 'audit-search',
        toQuery: (v) => ({
          actorId: v.actorId?.trim(),
          action: v.action?.trim(),
          objectType: v.objectType?.trim(),
          outcome: v.outcome,
          from: v.range?.[0]?.startOf('day').toISOString(),
          to: v.range?.[1]?.endOf('day').toISOString(),
        }),
        fields: (
          <>
            <Form.Item name="actorId" label={tr('操作人 ID', 'Actor id')}>
              <Input allowClear style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="action" label={tr('操作', 'Action')}>
              <Input
                allowClear
                style={{ width: 180 }}
                placeholder="directory.department.update"
                data-testid="audit-action"
              />
            </Form.Item>
            <Form.Item name="objectType" label={tr('对象类型', 'Object type')}>
              <Input allowClear style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="outcome" label={tr('结果', 'Outcome')}>
              <Select
                allowClear
                style={{ width: 110 }}
                options={[
                  { value: 'success', label: tr('成功', 'Success') },
                  { value: 'failed', label: tr('失败', 'Failed') },
                  { value: 'denied', label: tr('拒绝', 'Denied') },
                ]}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('时间', 'Time')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        { title: tr('时间', 'Time'), dataIndex: 'at', render: dateTime, width: 170 },
        {
          title: tr('操作人', 'Actor'),
          key: 'actor',
          render: (_, r) => (
            <>
              {r.actorName ?? r.actorUsername ?? r.actorId ?? '-'}{' '}
              <Typography.Text type="secondary">({r.actorKind})</Typography.Text>
            </>
          ),
        },
        { title: tr('操作', 'Action'), dataIndex: 'action' },
        {
          title: tr('对象', 'Object'),
          key: 'object',
          render: (_, r) => [r.objectType, r.objectId].filter(Boolean).join(' · '),
        },
        {
          title: tr('结果', 'Outcome'),
          dataIndex: 'outcome',
          render: (o: string) => <Tag color={o === 'success' ? 'green' : 'red'}>{o}</Tag>,
        },
        { title: 'IP', dataIndex: 'ip' },
        {
          title: tr('详情', 'Detail'),
          dataIndex: 'detail',
          render: (d: unknown) =>
            d ? (
              <Typography.Text
                code
                style={{ maxWidth: 360, display: 'inline-block' }}
                ellipsis={{ tooltip: JSON.stringify(d) }}
              >
                {JSON.stringify(d)}
              </Typography.Text>
            ) : null,
        },
      ]}
    />
  );
}
