import { useState } from 'react';
import {
  App,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Dayjs } from 'dayjs';
import {
  prescriptionEventKindLabels,
  prescriptionKindLabels,
  prescriptionStateLabels,
  refundInitiatorLabels,
  refundInitiatorOf,
  type PrescriptionState,
} from '@qingnang/contracts';
import {
  getPrescription,
  listPrescriptions,
  PRESCRIPTION_STATES,
  retryPrescriptionUpload,
  type Prescription,
  type PrescriptionEvent,
  type StaffPrescriptionDetail,
} from '../../api/pharmacy';
import { useMe } from '../../auth';
import { CodeTag, codeLabel } from '../../labels';
import { ListPage } from '../../components/ListPage';
import { dateTime, yuan } from '../../format';
import { useTr, type Tr } from '../../i18n';
import { holds } from '../../menu';

// Words come from the shared tables (@qingnang/contracts); only the tag colours are the console's.
const STATE_COLORS: Partial<Record<PrescriptionState, string>> = {
  pending_upload: 'processing',
  upload_failed: 'red',
  rejected: 'volcano',
  circulating: 'blue',
  dispatched: 'orange',
  at_hospital: 'gold',
  dispensed: 'green',
};

export const prescriptionStateTag = (tr: Tr, s: string) => (
  <CodeTag tr={tr} table={prescriptionStateLabels} code={s} colors={STATE_COLORS} />
);

const kindTags = (tr: Tr, r: Prescription) => (
  <Space size={4} wrap>
    <Tag color={r.kind === 'special_disease' ? 'purple' : undefined}>
      {codeLabel(tr, prescriptionKindLabels, r.kind)}
      {r.kind === 'special_disease' && r.specialDisease ? ` · ${r.specialDisease.name}` : ''}
    </Tag>
    {r.dualChannel && <Tag color="green">{tr('双通道', 'Dual channel')}</Tag>}
  </Space>
);

const eventName = (tr: Tr, k: string) => codeLabel(tr, prescriptionEventKindLabels, k);

/** Who acted: `his`, `system`, `patient:<id>` or `staff:<id>`; the kind is shown, never the id. */
const actorName = (tr: Tr, a: string) => codeLabel(tr, refundInitiatorLabels, refundInitiatorOf(a));

function eventDetail(e: PrescriptionEvent): string {
  if (!e.detail) return '';
  return Object.entries(e.detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

function PrescriptionDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const tr = useTr();
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const q = useQuery({
    queryKey: ['staff-prescriptions', 'one', id],
    queryFn: () => getPrescription(id!),
    enabled: !!id,
  });
  const retry = useMutation({
    mutationFn: (rxId: string) => retryPrescriptionUpload(rxId),
    onSuccess: () => {
      message.success(tr('已重新提交上传', 'Upload queued again'));
      void qc.invalidateQueries({ queryKey: ['staff-prescriptions'] });
    },
    onError: (e) => message.error((e as Error).message),
  });
  const r: StaffPrescriptionDetail | undefined = q.data;
  const canManage = holds(me?.permissions ?? [], 'prescription.manage');
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      title={tr('医保电子处方详情', 'Insurance e-prescription')}
      size={760}
      data-testid="rx-drawer"
      extra={
        r?.state === 'upload_failed' && canManage ? (
          <Button
            type="primary"
            loading={retry.isPending}
            onClick={() => retry.mutate(r.id)}
            data-testid="rx-retry-upload"
          >
            {tr('重新上传', 'Retry upload')}
          </Button>
        ) : null
      }
    >
      {q.error && <Typography.Text type="danger">{(q.error as Error).message}</Typography.Text>}
      {r && (
        <>
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={tr('院内处方号', 'HIS prescription no.')}>
              <Typography.Text copyable>{r.hisRxNo}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'State')}>
              <span data-testid="rx-drawer-state">{prescriptionStateTag(tr, r.state)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={tr('医保处方编号', 'Insurance prescription no.')}>
              <span data-testid="rx-drawer-hi-rx-no">{r.hiRxNo ?? '-'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={tr('追溯码', 'Trace code')}>{r.traceCode ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={tr('患者', 'Patient')}>{r.patientName}</Descriptions.Item>
            <Descriptions.Item label={tr('类别', 'Kind')}>{kindTags(tr, r)}</Descriptions.Item>
            <Descriptions.Item label={tr('科室 / 医生', 'Department / doctor')}>
              {r.departmentName} · {r.doctorName}
            </Descriptions.Item>
            <Descriptions.Item label={tr('金额（元）', 'Amount')}>{yuan(r.totalFen)}</Descriptions.Item>
            <Descriptions.Item label={tr('开方时间', 'Issued')}>{dateTime(r.issuedAt)}</Descriptions.Item>
            <Descriptions.Item label={tr('有效期至', 'Valid until')}>
              {dateTime(r.validUntil)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('诊断', 'Diagnoses')} span={2}>
              {r.diagnoses.map((d) => `${d.name}（${d.code}）`).join('、')}
            </Descriptions.Item>
            {r.pharmacy && (
              <Descriptions.Item label={tr('取药药店', 'Pharmacy')} span={2}>
                <span data-testid="rx-drawer-pharmacy">
                  {r.pharmacy.name}
                  {r.pharmacy.address ? `（${r.pharmacy.address}）` : ''}
                </span>
                {r.pickupCode ? ` · ${tr('取药码', 'Pickup code')} ${r.pickupCode}` : ''}
              </Descriptions.Item>
            )}
            {r.dispensed && (
              <Descriptions.Item label={tr('取药结算', 'Dispensed')} span={2}>
                <span data-testid="rx-drawer-dispensed">
                  {r.dispensed.pharmacyName} · {dateTime(r.dispensed.at)} · {tr('统筹', 'Fund')} ¥
                  {yuan(r.dispensed.fundFen)} / {tr('个账', 'Account')} ¥{yuan(r.dispensed.accountFen)} /{' '}
                  {tr('现金', 'Cash')} ¥{yuan(r.dispensed.cashFen)}
                </span>
              </Descriptions.Item>
            )}
            {(r.rejectReason || r.revokeReason) && (
              <Descriptions.Item label={tr('原因', 'Reason')} span={2}>
                {r.rejectCode ? `${r.rejectCode} · ` : ''}
                {r.rejectReason ?? r.revokeReason}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={tr('就诊号', 'Visit no.')}>{r.visitNo ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={tr('医保医师代码 / 审方药师', 'Insurance doctor code / reviewed by')}>
              {r.insuranceDoctorCode} / {r.reviewedBy ?? '-'}
            </Descriptions.Item>
            <Descriptions.Item label={tr('上传次数', 'Upload attempts')}>
              <span data-testid="rx-drawer-attempts">{r.attempts}</span>
              {r.state === 'pending_upload' && r.nextAttemptAt
                ? tr(`（下次 ${dateTime(r.nextAttemptAt)}）`, ` (next ${dateTime(r.nextAttemptAt)})`)
                : ''}
            </Descriptions.Item>
            <Descriptions.Item label={tr('最近错误', 'Last error')}>
              <Typography.Text type={r.lastError ? 'danger' : undefined} data-testid="rx-drawer-last-error">
                {r.lastError ?? '-'}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('药品', 'Drugs')}
          </Typography.Title>
          <Table
            rowKey={(i) => `${i.drugCode}-${i.name}`}
            size="small"
            pagination={false}
            dataSource={r.items}
            scroll={{ x: 'max-content' }}
            data-testid="rx-drawer-items"
            columns={[
              { title: tr('药品编码', 'Drug code'), dataIndex: 'drugCode' },
              {
                title: tr('名称', 'Name'),
                key: 'name',
                render: (_, i) => (
                  <>
                    {i.name} {i.dualChannel && <Tag color="green">{tr('双通道', 'Dual channel')}</Tag>}
                  </>
                ),
              },
              { title: tr('规格', 'Spec'), dataIndex: 'spec' },
              {
                title: tr('数量', 'Quantity'),
                key: 'q',
                align: 'right',
                render: (_, i) => `${i.quantity}${i.unit}`,
              },
              {
                title: tr('用法', 'Usage'),
                key: 'u',
                render: (_, i) =>
                  [i.dose, i.frequency, i.route, i.days ? tr(`${i.days} 天`, `${i.days} days`) : null]
                    .filter(Boolean)
                    .join(' · '),
              },
              {
                title: tr('单价（元）', 'Unit price'),
                dataIndex: 'unitPriceFen',
                align: 'right',
                render: yuan,
              },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {tr('处理记录', 'History')}
          </Typography.Title>
          <div data-testid="rx-drawer-history">
            <Timeline
              items={r.history.map((e, n) => ({
                key: String(n),
                color: /fail|error|reject/.test(e.kind) ? 'red' : e.kind === 'dispensed' ? 'green' : 'blue',
                content: (
                  <>
                    <div>
                      {dateTime(e.at)} · {eventName(tr, e.kind)}{' '}
                      <Typography.Text type="secondary">{actorName(tr, e.actor)}</Typography.Text>
                    </div>
                    {eventDetail(e) && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {eventDetail(e)}
                      </Typography.Text>
                    )}
                  </>
                ),
              }))}
            />
          </div>
        </>
      )}
    </Drawer>
  );
}

interface PrescriptionFilters {
  q?: string;
  state?: string;
  kind?: string;
  dualChannel?: 'true' | 'false';
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * Insurance e-prescriptions (INS-16): pharmacists follow each prescription the HIS pushed through the
 * upload to the insurance e-prescription centre, the patient's choice of pharmacy and the dispensing,
 * and send a failed upload again. Patient names come masked; opening one is audited by the server.
 */
export function PrescriptionsPage() {
  const tr = useTr();
  const [detail, setDetail] = useState<string | null>(null);
  return (
    <ListPage<Prescription, PrescriptionFilters>
      title={tr('医保电子处方', 'Insurance e-prescriptions')}
      queryKey="staff-prescriptions"
      fetch={listPrescriptions}
      showTotal
      sizeChanger
      testId="prescriptions"
      emptyText={tr('没有符合条件的处方', 'No prescriptions match')}
      filterForm={{
        submitTestId: 'prescriptions-search',
        toQuery: (v) => ({
          q: v.q?.trim() || undefined,
          state: v.state,
          kind: v.kind,
          dualChannel: v.dualChannel,
          from: v.range?.[0]?.startOf('day').toISOString(),
          to: v.range?.[1]?.endOf('day').toISOString(),
        }),
        fields: (
          <>
            <Form.Item
              name="q"
              label={tr('处方号 / 医保处方编号 / 就诊号', 'Prescription / insurance / visit no.')}
              rules={[
                {
                  pattern: /^[\w.:-]{1,64}$/,
                  message: tr('只能包含字母、数字和 _ . : -', 'Letters, digits and _ . : - only'),
                },
              ]}
            >
              <Input allowClear style={{ width: 200 }} data-testid="prescriptions-q" />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 150 }}
                data-testid="prescriptions-state"
                options={PRESCRIPTION_STATES.map((s) => ({ value: s, label: prescriptionStateTag(tr, s) }))}
              />
            </Form.Item>
            <Form.Item name="kind" label={tr('类别', 'Kind')}>
              <Select
                allowClear
                style={{ width: 130 }}
                data-testid="prescriptions-kind"
                options={[
                  { value: 'ordinary', label: tr('普通', 'Ordinary') },
                  { value: 'special_disease', label: tr('门诊特殊病', 'Special disease') },
                ]}
              />
            </Form.Item>
            <Form.Item name="dualChannel" label={tr('双通道', 'Dual channel')}>
              <Select
                allowClear
                style={{ width: 110 }}
                data-testid="prescriptions-dual"
                options={[
                  { value: 'true', label: tr('是', 'Yes') },
                  { value: 'false', label: tr('否', 'No') },
                ]}
              />
            </Form.Item>
            <Form.Item name="range" label={tr('开方日期', 'Issued')}>
              <DatePicker.RangePicker />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('院内处方号', 'HIS prescription no.'),
          dataIndex: 'hisRxNo',
          render: (n: string, r) => (
            <a onClick={() => setDetail(r.id)} data-testid={`rx-row-${n}`}>
              {n}
            </a>
          ),
        },
        { title: tr('患者', 'Patient'), dataIndex: 'patientName' },
        { title: tr('类别', 'Kind'), key: 'kind', render: (_, r) => kindTags(tr, r) },
        { title: tr('科室', 'Department'), dataIndex: 'departmentName' },
        { title: tr('医生', 'Doctor'), dataIndex: 'doctorName' },
        { title: tr('药品数', 'Drugs'), dataIndex: 'itemCount', align: 'right' },
        { title: tr('金额（元）', 'Amount'), dataIndex: 'totalFen', align: 'right', render: yuan },
        {
          title: tr('状态', 'State'),
          dataIndex: 'state',
          render: (s: string) => prescriptionStateTag(tr, s),
        },
        { title: tr('取药药店', 'Pharmacy'), key: 'ph', render: (_, r) => r.pharmacy?.name ?? '-' },
        {
          title: tr('上传', 'Upload'),
          key: 'upload',
          render: (_, r) =>
            r.lastError ? (
              <Typography.Text type="danger" ellipsis style={{ maxWidth: 200 }} title={r.lastError}>
                {tr(`${r.attempts} 次 · `, `${r.attempts}× · `)}
                {r.lastError}
              </Typography.Text>
            ) : (
              '-'
            ),
        },
        { title: tr('开方时间', 'Issued'), dataIndex: 'issuedAt', render: dateTime },
        { title: tr('有效期至', 'Valid until'), dataIndex: 'validUntil', render: dateTime },
      ]}
    >
      <PrescriptionDrawer id={detail} onClose={() => setDetail(null)} />
    </ListPage>
  );
}
