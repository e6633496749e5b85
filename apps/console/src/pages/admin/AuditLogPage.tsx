import { Button, DatePicker, Form, Input, Popover, Select, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import {
  AUDIT_ACTIONS,
  AUDIT_OBJECT_TYPES,
  auditActionLabels,
  auditActorKindLabels,
  auditObjectTypeLabels,
  auditOutcomeLabels,
  type AuditOutcome,
} from '@qingnang/contracts';
import { listAuditLogs, type AuditEntry } from '../../api/staff';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';

const OUTCOME_COLORS: Record<AuditOutcome, string> = { success: 'green', denied: 'orange', failed: 'red' };

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
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 200 }}
                data-testid="audit-action"
                options={AUDIT_ACTIONS.map((a) => ({ value: a, label: codeLabel(tr, auditActionLabels, a) }))}
              />
            </Form.Item>
            <Form.Item name="objectType" label={tr('对象类型', 'Object type')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 150 }}
                options={AUDIT_OBJECT_TYPES.map((o) => ({
                  value: o,
                  label: codeLabel(tr, auditObjectTypeLabels, o),
                }))}
              />
            </Form.Item>
            <Form.Item name="outcome" label={tr('结果', 'Outcome')}>
              <Select
                allowClear
                style={{ width: 110 }}
                options={(['success', 'failed', 'denied'] as const).map((o) => ({
                  value: o,
                  label: codeLabel(tr, auditOutcomeLabels, o),
                }))}
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
              {r.actorName ?? r.actorUsername ?? codeLabel(tr, auditActorKindLabels, r.actorKind)}{' '}
              {(r.actorName || r.actorUsername) && (
                <Typography.Text type="secondary">
                  （{codeLabel(tr, auditActorKindLabels, r.actorKind)}）
                </Typography.Text>
              )}
            </>
          ),
        },
        {
          title: tr('操作', 'Action'),
          dataIndex: 'action',
          render: (a: string) => codeLabel(tr, auditActionLabels, a),
        },
        {
          title: tr('对象', 'Object'),
          key: 'object',
          // the id stays one hover away for an investigation; the row reads in words
          render: (_, r) =>
            r.objectType ? (
              <Tooltip title={r.objectId ?? undefined}>
                <span data-testid="audit-object">
                  {[codeLabel(tr, auditObjectTypeLabels, r.objectType), r.objectName]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </Tooltip>
            ) : null,
        },
        {
          title: tr('结果', 'Outcome'),
          dataIndex: 'outcome',
          render: (o: string) => (
            <CodeTag tr={tr} table={auditOutcomeLabels} code={o} colors={OUTCOME_COLORS} />
          ),
        },
        { title: 'IP', dataIndex: 'ip' },
        {
          title: tr('详情', 'Detail'),
          key: 'detail',
          render: (_, r) =>
            r.detail || r.objectId || r.requestId ? (
              <Popover
                trigger="click"
                title={tr('原始记录', 'Raw record')}
                content={
                  <pre style={{ maxWidth: 480, maxHeight: 360, overflow: 'auto', margin: 0, fontSize: 12 }}>
                    {JSON.stringify(
                      { objectId: r.objectId, actorId: r.actorId, requestId: r.requestId, detail: r.detail },
                      null,
                      2,
                    )}
                  </pre>
                }
              >
                <Button size="small" type="link">
                  {tr('查看', 'View')}
                </Button>
              </Popover>
            ) : null,
        },
      ]}
    />
  );
}
