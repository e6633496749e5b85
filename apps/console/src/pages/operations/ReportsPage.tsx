import { useState } from 'react';
import { Alert, Descriptions, Drawer, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import {
  reportKindLabels,
  reportStatusLabels,
  resultFlagLabels,
  type ReportKind,
  type ReportStatus,
  type ResultFlag,
} from '@qingnang/contracts';
import {
  getAdminReport,
  listAdminReports,
  type AdminReport,
  type ReportObservation,
} from '../../api/reports';
import { ListPage } from '../../components/ListPage';
import { dateTime } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';
import { HealthRecordDrawer, HealthRecordLookup } from './HealthRecordDrawer';

// Words come from the shared tables (@qingnang/contracts); only the colours and arrows are the console's.
const kindName = (tr: Tr, k: string) => codeLabel(tr, reportKindLabels, k);

const statusTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={reportStatusLabels} code={s} colors={{ final: 'green', partial: 'gold' }} />
);

const FLAG_MARKS: Partial<Record<ResultFlag, [string, string]>> = {
  H: ['↑ ', 'red'],
  L: ['↓ ', 'blue'],
  critical: ['', 'magenta'],
};

const flagTag = (tr: Tr, f: string | null) => {
  if (!f || f === 'N') return null;
  const [mark, color] = FLAG_MARKS[f as ResultFlag] ?? ['', 'orange'];
  return (
    <Tag color={color}>
      {mark}
      {codeLabel(tr, resultFlagLabels, f)}
    </Tag>
  );
};

const REPORT_KINDS = Object.keys(reportKindLabels) as ReportKind[];
const REPORT_STATUSES = Object.keys(reportStatusLabels) as ReportStatus[];

interface Filters {
  reportNo?: string;
  kind?: string;
  status?: string;
  patientId?: string;
}

/** Lab, exam, pathology and physical-exam reports as staff look them up; each opening is audited. */
export function ReportsPage() {
  const tr = useTr();
  const [open, setOpen] = useState<string | null>(null);
  const [record, setRecord] = useState<string | null>(null);
  return (
    <ListPage<AdminReport, Filters>
      title={tr('报告查询', 'Reports')}
      queryKey="admin-reports"
      fetch={listAdminReports}
      testId="reports"
      sizeChanger
      showTotal
      before={
        <>
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={tr(
              '报告属于患者隐私，查看详情会记入审计日志。',
              'Reports are patient data: opening one is recorded in the audit log.',
            )}
          />
          <HealthRecordLookup onOpen={setRecord} />
        </>
      }
      filterForm={{
        submitTestId: 'reports-search',
        toQuery: (v) => ({
          reportNo: v.reportNo?.trim() || undefined,
          kind: v.kind,
          status: v.status,
          patientId: v.patientId?.trim() || undefined,
        }),
        fields: (
          <>
            <Form.Item
              name="reportNo"
              label={tr('报告号', 'Report no.')}
              rules={[{ pattern: /^[\w.:-]{1,64}$/, message: tr('报告号格式不正确', 'Not a report number') }]}
            >
              <Input allowClear style={{ width: 180 }} data-testid="reports-no" />
            </Form.Item>
            <Form.Item
              name="patientId"
              label={tr('患者 ID', 'Patient id')}
              rules={[{ pattern: /^[0-9a-f-]{36}$/i, message: tr('患者 ID 格式不正确', 'Not a patient id') }]}
            >
              <Input allowClear style={{ width: 300 }} />
            </Form.Item>
            <Form.Item name="kind" label={tr('类型', 'Kind')}>
              <Select
                allowClear
                style={{ width: 110 }}
                options={REPORT_KINDS.map((k) => ({
                  value: k,
                  label: kindName(tr, k),
                }))}
              />
            </Form.Item>
            <Form.Item name="status" label={tr('状态', 'Status')}>
              <Select
                allowClear
                style={{ width: 130 }}
                options={REPORT_STATUSES.map((s) => ({ value: s, label: statusTag(tr, s) }))}
              />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('报告号', 'Report no.'),
          dataIndex: 'reportNo',
          render: (n: string, r) => (
            <a onClick={() => setOpen(r.id)} data-testid={`report-${n}`}>
              {n}
            </a>
          ),
        },
        {
          title: tr('患者', 'Patient'),
          dataIndex: 'patientNameMasked',
          render: (name: string, r) => (
            <Space size={4}>
              {name}
              <a onClick={() => setRecord(r.patientId)} data-testid={`report-health-record-${r.reportNo}`}>
                {tr('健康档案', 'Health record')}
              </a>
            </Space>
          ),
        },
        { title: tr('类型', 'Kind'), dataIndex: 'kind', render: (k: string) => kindName(tr, k) },
        { title: tr('项目', 'Title'), dataIndex: 'title', ellipsis: true },
        { title: tr('科室', 'Department'), dataIndex: 'department' },
        { title: tr('状态', 'Status'), dataIndex: 'status', render: (s: string) => statusTag(tr, s) },
        { title: tr('开单时间', 'Ordered'), dataIndex: 'orderedAt', render: dateTime },
        { title: tr('报告时间', 'Reported'), dataIndex: 'reportedAt', render: dateTime },
      ]}
    >
      <ReportDrawer id={open} onClose={() => setOpen(null)} />
      <HealthRecordDrawer patientId={record} onClose={() => setRecord(null)} />
    </ListPage>
  );
}

function ReportDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const tr = useTr();
  const q = useQuery({
    queryKey: ['admin-reports', 'one', id],
    queryFn: () => getAdminReport(id!),
    enabled: !!id,
  });
  const r = q.data;
  return (
    <Drawer open={!!id} onClose={onClose} size={820} title={tr('报告详情', 'Report')}>
      {q.error && <Alert type="error" showIcon title={(q.error as Error).message} />}
      {r && (
        <>
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={tr('报告号', 'Report no.')}>{r.reportNo}</Descriptions.Item>
            <Descriptions.Item label={tr('患者', 'Patient')}>{r.patientNameMasked}</Descriptions.Item>
            <Descriptions.Item label={tr('项目', 'Title')}>{r.title}</Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'Status')}>{statusTag(tr, r.status)}</Descriptions.Item>
            <Descriptions.Item label={tr('结论', 'Conclusion')} span={2}>
              {r.conclusion}
            </Descriptions.Item>
          </Descriptions>
          {r.sections.length > 0 && (
            <Descriptions column={1} size="small" style={{ marginTop: 12 }}>
              {r.sections.map((s) => (
                <Descriptions.Item key={s.name} label={s.name}>
                  {s.conclusion}
                </Descriptions.Item>
              ))}
            </Descriptions>
          )}
          <Table<ReportObservation>
            style={{ marginTop: 12 }}
            rowKey={(o) => `${o.section ?? ''}:${o.code}`}
            size="small"
            pagination={false}
            dataSource={r.observations}
            expandable={{
              rowExpandable: (o) => !!o.interpretation,
              expandedRowRender: (o) =>
                o.interpretation && (
                  <Typography.Paragraph style={{ margin: 0 }}>
                    {o.interpretation.meaning} {o.interpretation.explanation} {o.interpretation.advice}
                  </Typography.Paragraph>
                ),
            }}
            columns={[
              { title: tr('指标', 'Indicator'), key: 'n', render: (_, o) => `${o.name} (${o.code})` },
              { title: tr('结果', 'Value'), key: 'v', render: (_, o) => `${o.value ?? ''} ${o.unit ?? ''}` },
              {
                title: tr('参考范围', 'Reference'),
                key: 'ref',
                render: (_, o) =>
                  o.refText ??
                  (o.refLow != null || o.refHigh != null ? `${o.refLow ?? ''}–${o.refHigh ?? ''}` : ''),
              },
              { title: tr('提示', 'Flag'), dataIndex: 'flag', render: (f: string | null) => flagTag(tr, f) },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
