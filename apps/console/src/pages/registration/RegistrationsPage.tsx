import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Select, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { REGISTRATION_REFUND_COLORS, REGISTRATION_STATE_COLORS } from './colors';
import {
  bookingChannelLabels,
  businessRefundStateLabels,
  levelLabels,
  registrationStateLabels,
  type RegistrationState,
} from '@qingnang/contracts';
import type { Query } from '../../api/client';
import {
  cancelRegistration,
  exportRegistrations,
  listRegistrations,
  type RegistrationRow,
} from '../../api/registration';
import { useMe } from '../../auth';
import { ListPage } from '../../components/ListPage';
import { downloadBlob } from '../../components/download';
import { useDepartmentNames, useDoctorNames } from '../../components/lookups';
import { date, dateTime, hhmm, hospitalToday, yuan } from '../../format';
import { useTr } from '../../i18n';
import { CodeTag, codeLabel } from '../../labels';
import { holds } from '../../menu';

interface RegistrationFilters {
  range?: [Dayjs, Dayjs];
  state?: string;
  departmentId?: string;
  doctorId?: string;
  channel?: string;
}

export function RegistrationsPage() {
  const tr = useTr();
  const me = useMe();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const depts = useDepartmentNames();
  const doctors = useDoctorNames();
  // the export takes the filters the list shows
  const [filters, setFilters] = useState<Query>(() => ({
    from: hospitalToday(),
    to: dayjs(hospitalToday()).add(7, 'day').format('YYYY-MM-DD'),
  }));
  const [cancelling, setCancelling] = useState<RegistrationRow | null>(null);
  const [cancelForm] = Form.useForm<{ reason: string }>();
  const canManage = holds(me?.permissions ?? [], 'registrations.manage');

  const exporter = useMutation({
    mutationFn: () => exportRegistrations(filters),
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
    onError: (e) => message.error((e as Error).message),
  });
  const cancel = useMutation({
    mutationFn: (v: { reason: string }) => cancelRegistration(cancelling!.id, v.reason.trim()),
    onSuccess: () => {
      setCancelling(null);
      message.success(
        tr('已退号，已支付的费用将原路退回', 'Cancelled; any payment is refunded to its source'),
      );
      void qc.invalidateQueries({ queryKey: ['registrations'] });
    },
    onError: (e) => message.error((e as Error).message),
  });

  return (
    <ListPage<RegistrationRow, RegistrationFilters>
      title={tr('挂号记录', 'Registrations')}
      queryKey="registrations"
      fetch={listRegistrations}
      testId="registrations"
      initialQuery={filters}
      onFiltersChange={setFilters}
      sizeChanger
      showTotal
      extra={
        <Button
          icon={<DownloadOutlined />}
          loading={exporter.isPending}
          onClick={() => exporter.mutate()}
          data-testid="registrations-export"
        >
          {tr('导出 Excel', 'Export to Excel')}
        </Button>
      }
      filterForm={{
        submitTestId: 'registrations-search',
        initialValues: { range: [dayjs(filters.from as string), dayjs(filters.to as string)] },
        toQuery: (v) => ({
          from: v.range?.[0]?.format('YYYY-MM-DD'),
          to: v.range?.[1]?.format('YYYY-MM-DD'),
          state: v.state,
          departmentId: v.departmentId,
          doctorId: v.doctorId,
          channel: v.channel,
        }),
        fields: (
          <>
            <Form.Item name="range" label={tr('就诊日期', 'Clinic date')}>
              <DatePicker.RangePicker />
            </Form.Item>
            <Form.Item name="state" label={tr('状态', 'State')}>
              <Select
                allowClear
                style={{ width: 130 }}
                options={(Object.keys(registrationStateLabels) as RegistrationState[]).map((value) => ({
                  value,
                  label: codeLabel(tr, registrationStateLabels, value),
                }))}
              />
            </Form.Item>
            <Form.Item name="departmentId" label={tr('科室', 'Department')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 180 }}
                options={(depts.data ?? [])
                  .filter((d) => d.parentId)
                  .map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
            <Form.Item name="doctorId" label={tr('医生', 'Doctor')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                style={{ width: 140 }}
                options={(doctors.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
              />
            </Form.Item>
            <Form.Item name="channel" label={tr('渠道', 'Channel')}>
              <Select
                allowClear
                style={{ width: 120 }}
                options={(['online', 'counter', 'third_party'] as const).map((c) => ({
                  value: c,
                  label: codeLabel(tr, bookingChannelLabels, c),
                }))}
              />
            </Form.Item>
          </>
        ),
      }}
      columns={[
        {
          title: tr('就诊人', 'Patient'),
          key: 'p',
          render: (_, r) => (
            <Typography.Text
              copyable={{
                text: r.patientId,
                tooltips: [tr('复制患者 ID', 'Copy patient id'), tr('已复制', 'Copied')],
              }}
            >
              {r.patientName ?? ''}
            </Typography.Text>
          ),
        },
        {
          title: tr('科室', 'Department'),
          key: 'd',
          render: (_, r) => r.departmentName ?? depts.data?.find((d) => d.id === r.departmentId)?.name,
        },
        {
          title: tr('医生', 'Doctor'),
          key: 'doc',
          render: (_, r) => r.doctorName ?? doctors.data?.find((d) => d.id === r.doctorId)?.name,
        },
        {
          title: tr('就诊时间', 'Visit'),
          key: 'v',
          render: (_, r) => `${date(r.clinicDate)} ${hhmm(r.segmentStartAt)}–${hhmm(r.segmentEndAt)}`,
        },
        { title: tr('号序', 'No.'), dataIndex: 'slotNumber' },
        {
          title: tr('号别', 'Level'),
          dataIndex: 'level',
          render: (l?: string) => (l ? codeLabel(tr, levelLabels, l) : ''),
        },
        { title: tr('费用（元）', 'Fee'), dataIndex: 'feeFen', align: 'right', render: yuan },
        {
          title: tr('渠道', 'Channel'),
          dataIndex: 'channel',
          render: (c?: string) => (c ? codeLabel(tr, bookingChannelLabels, c) : ''),
        },
        {
          title: tr('状态', 'State'),
          dataIndex: 'state',
          render: (s: string) => (
            <CodeTag tr={tr} table={registrationStateLabels} code={s} colors={REGISTRATION_STATE_COLORS} />
          ),
        },
        {
          title: tr('退款', 'Refund'),
          dataIndex: 'refundState',
          render: (s?: string) =>
            !s || s === 'none' ? null : (
              <CodeTag
                tr={tr}
                table={businessRefundStateLabels}
                code={s}
                colors={REGISTRATION_REFUND_COLORS}
              />
            ),
        },
        { title: tr('取消原因', 'Cancel reason'), dataIndex: 'cancelReason', ellipsis: true },
        { title: tr('下单时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
        ...(canManage
          ? [
              {
                title: tr('操作', 'Actions'),
                key: 'a',
                fixed: 'right' as const,
                render: (_: unknown, r: RegistrationRow) =>
                  ['booked', 'locked'].includes(r.state) ? (
                    <Button
                      size="small"
                      type="link"
                      danger
                      onClick={() => {
                        cancelForm.resetFields();
                        setCancelling(r);
                      }}
                      data-testid={`registration-cancel-${r.id}`}
                    >
                      {tr('代退号', 'Cancel')}
                    </Button>
                  ) : null,
              },
            ]
          : []),
      ]}
    >
      <Modal
        open={!!cancelling}
        title={tr('代患者退号', 'Cancel on behalf of the patient')}
        onCancel={() => setCancelling(null)}
        onOk={() => cancelForm.submit()}
        confirmLoading={cancel.isPending}
        forceRender
      >
        <Form form={cancelForm} layout="vertical" onFinish={(v) => cancel.mutate(v)}>
          <Form.Item
            name="reason"
            label={tr('退号原因', 'Reason')}
            rules={[
              { required: true, whitespace: true },
              { min: 2, max: 200 },
            ]}
          >
            <Input.TextArea rows={3} data-testid="registration-cancel-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </ListPage>
  );
}
