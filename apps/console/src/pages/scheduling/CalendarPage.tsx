import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import {
  createSchedule,
  holidayStop,
  updateSchedule,
  type RegistrationLevel,
  addExtraSlots,
  listSchedules,
  listShifts,
  stopClinic,
  type ScheduleView,
  type SegmentView,
} from '../../api/scheduling';
import { useDepartments, useDoctors } from '../../components/lookups';
import { hhmm, hospitalToday, inHospital, toFen, yuan } from '../../format';
import { applyServerErrors } from '../../components/serverErrors';
import { useLang, useTr } from '../../i18n';
import { channelLabel, levelLabel } from './labels';
import { scheduleViewStateLabels, segmentViewStateLabels, type SegmentViewState } from '@qingnang/contracts';
import { CodeTag, codeLabel } from '../../labels';

const SEGMENT_COLORS: Partial<Record<SegmentViewState, string>> = { open: 'green', stopped: 'red' };

const fmtTime = hhmm;

/** Monday of the week holding `d`. */
function weekStart(d: dayjs.Dayjs) {
  const wd = d.day() === 0 ? 7 : d.day();
  return d.subtract(wd - 1, 'day').startOf('day');
}

export function CalendarPage() {
  const tr = useTr();
  const { lang } = useLang();
  const [params, setParams] = useSearchParams();
  // The view lives in state (fast, no stale reads between quick clicks) and is mirrored to the URL,
  // so a link or a test can open a department's week directly.
  const [view, setView] = useState<{ departmentId?: string; week?: string }>(() => ({
    departmentId: params.get('departmentId') ?? undefined,
    week: params.get('week') ?? undefined,
  }));
  const depts = useDepartments();
  const doctors = useDoctors();
  const shifts = useQuery({ queryKey: ['shifts'], queryFn: listShifts });
  const departmentId = view.departmentId;
  const start = weekStart(dayjs(view.week ?? hospitalToday()));
  const days = Array.from({ length: 7 }, (_, i) => start.add(i, 'day'));
  const from = days[0].format('YYYY-MM-DD');
  const to = days[6].format('YYYY-MM-DD');
  const [openId, setOpenId] = useState<string | null>(null);

  const list = useQuery({
    queryKey: ['schedules', departmentId, from, to],
    queryFn: () => listSchedules({ departmentId, from, to }),
    enabled: !!departmentId,
  });
  const doctorName = (s: ScheduleView) =>
    s.doctorName ?? doctors.data?.find((d) => d.id === s.doctorId)?.name ?? '';
  const shiftName = (code: string) => {
    const s = shifts.data?.find((x) => x.code === code);
    return s ? (lang === 'en' ? s.nameEn : s.nameZh) : code;
  };
  const deptOptions = useMemo(() => {
    const all = depts.data ?? [];
    return all
      .filter((d) => d.parentId)
      .map((d) => ({
        value: d.id,
        label: `${all.find((p) => p.id === d.parentId)?.name ?? ''} / ${d.name}`,
      }));
  }, [depts.data]);
  const shiftCodes = useMemo(() => {
    const known = (shifts.data ?? []).map((s) => s.code);
    const used = [...new Set((list.data ?? []).map((s) => s.shiftCode))].filter((c) => !known.includes(c));
    return [...known, ...used];
  }, [shifts.data, list.data]);
  const set = (k: 'departmentId' | 'week', v: string | undefined) => setView((cur) => ({ ...cur, [k]: v }));
  useEffect(() => {
    const next = new URLSearchParams();
    if (view.departmentId) next.set('departmentId', view.departmentId);
    if (view.week) next.set('week', view.week);
    setParams(next, { replace: true });
  }, [view, setParams]);
  const opened = list.data?.find((s) => s.id === openId) ?? null;
  const [holidayOpen, setHolidayOpen] = useState(false);
  const [creating, setCreating] = useState(false);

  return (
    <Card
      title={tr('排班日历', 'Schedule calendar')}
      extra={
        <Space wrap>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={tr('选择科室', 'Choose a department')}
            style={{ width: 260 }}
            value={departmentId}
            onChange={(v) => set('departmentId', v)}
            options={deptOptions}
            data-testid="calendar-department"
          />
          <Button
            icon={<LeftOutlined />}
            onClick={() => set('week', start.subtract(7, 'day').format('YYYY-MM-DD'))}
            data-testid="calendar-prev"
          />
          <Button onClick={() => set('week', undefined)}>{tr('本周', 'This week')}</Button>
          <Button
            icon={<RightOutlined />}
            onClick={() => set('week', start.add(7, 'day').format('YYYY-MM-DD'))}
            data-testid="calendar-next"
          />
          <Typography.Text strong>
            {from} ~ {to}
          </Typography.Text>
          <Button onClick={() => setCreating(true)} disabled={!departmentId} data-testid="schedule-new">
            {tr('新增排班', 'New schedule')}
          </Button>
          <Button danger onClick={() => setHolidayOpen(true)} data-testid="holiday-stop">
            {tr('假期停诊', 'Holiday stop')}
          </Button>
        </Space>
      }
    >
      {!departmentId ? (
        <Empty description={tr('请选择科室查看排班', 'Choose a department to see its schedules')} />
      ) : (
        <Table
          rowKey="code"
          bordered
          size="small"
          loading={list.isLoading}
          pagination={false}
          dataSource={shiftCodes.map((code) => ({ code }))}
          scroll={{ x: 1100 }}
          columns={[
            { title: tr('班次', 'Shift'), dataIndex: 'code', width: 90, fixed: 'left', render: shiftName },
            ...days.map((d) => {
              const date = d.format('YYYY-MM-DD');
              const isToday = date === hospitalToday();
              return {
                title: (
                  <span style={{ color: isToday ? '#0f7b6c' : undefined }}>
                    {d.format('MM-DD')} {d.locale(lang === 'en' ? 'en' : 'zh-cn').format('ddd')}
                  </span>
                ),
                key: date,
                render: (_: unknown, row: { code: string }) => (
                  <div className="calendar-cell">
                    {(list.data ?? [])
                      .filter((s) => s.clinicDate === date && s.shiftCode === row.code)
                      .map((s) => {
                        const stoppedSegments = s.segments.filter((g) => g.state === 'stopped').length;
                        return (
                          <div
                            key={s.id}
                            className={`schedule-card${s.state === 'stopped' ? ' stopped' : ''}`}
                            role="button"
                            style={{ cursor: 'pointer' }}
                            onClick={() => setOpenId(s.id)}
                            data-testid={`schedule-card-${s.id}`}
                            data-doctor={doctorName(s)}
                            data-date={s.clinicDate}
                          >
                            <div>
                              <b>{doctorName(s)}</b>{' '}
                              <Tag style={{ marginInlineEnd: 0 }}>{levelLabel(tr, s.level)}</Tag>
                            </div>
                            <div>
                              {s.state === 'stopped' ? (
                                <Tag color="red">{tr('停诊', 'Stopped')}</Tag>
                              ) : s.state === 'past' ? (
                                // an ended half-day: what was booked, never "余号 0 约满"
                                <span data-testid={`schedule-past-${s.id}`}>
                                  <Tag style={{ marginInlineEnd: 4 }}>
                                    {codeLabel(tr, scheduleViewStateLabels, 'past')}
                                  </Tag>
                                  {tr('已约', 'Booked')} {s.booked ?? s.total - s.remaining}/{s.total}
                                </span>
                              ) : (
                                <span>
                                  {tr('余号', 'Left')} {s.remaining}/{s.total}
                                  {s.full && (
                                    <Tag color="orange" style={{ marginLeft: 4 }}>
                                      {tr('约满', 'Full')}
                                    </Tag>
                                  )}
                                  {!s.full && s.bookingClosed && (
                                    <Tag style={{ marginLeft: 4 }}>{tr('已停止预约', 'Booking closed')}</Tag>
                                  )}
                                  {stoppedSegments > 0 && (
                                    <Tag color="red" style={{ marginLeft: 4 }}>
                                      {tr(`${stoppedSegments} 时段停诊`, `${stoppedSegments} stopped`)}
                                    </Tag>
                                  )}
                                </span>
                              )}
                            </div>
                          </div>
                        );
                      })}
                  </div>
                ),
              };
            }),
          ]}
        />
      )}
      {list.error && <Alert type="error" title={(list.error as Error).message} style={{ marginTop: 12 }} />}
      <ScheduleDrawer
        schedule={opened}
        title={opened ? `${doctorName(opened)} · ${opened.clinicDate} ${shiftName(opened.shiftCode)}` : ''}
        onClose={() => setOpenId(null)}
      />
      <NewSchedule
        open={creating}
        departmentId={departmentId}
        date={from}
        onClose={() => setCreating(false)}
      />
      <HolidayStop
        open={holidayOpen}
        departmentId={departmentId}
        deptOptions={deptOptions}
        onClose={() => setHolidayOpen(false)}
      />
    </Card>
  );
}

type StopTarget = { schedule: ScheduleView; segment?: SegmentView };

function ScheduleDrawer({
  schedule,
  title,
  onClose,
}: {
  schedule: ScheduleView | null;
  title: string;
  onClose: () => void;
}) {
  const tr = useTr();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [stopTarget, setStopTarget] = useState<StopTarget | null>(null);
  const [extraFor, setExtraFor] = useState<SegmentView | null>(null);
  const [stopForm] = Form.useForm<{ reason: string }>();
  const [extraForm] = Form.useForm<{ count: number; channel: string }>();
  const refresh = () => void qc.invalidateQueries({ queryKey: ['schedules'] });
  const [editing, setEditing] = useState(false);
  const [editForm] = Form.useForm<{ level: RegistrationLevel; feeYuan: number }>();
  const edit = useMutation({
    mutationFn: (v: { level: RegistrationLevel; feeYuan: number }) =>
      updateSchedule(schedule!.id, { level: v.level, feeFen: toFen(v.feeYuan) }),
    onSuccess: () => {
      setEditing(false);
      refresh();
      message.success(tr('已保存', 'Saved'));
    },
    onError: (e) => message.error(applyServerErrors(editForm, e)),
  });

  const stop = useMutation({
    mutationFn: (v: { reason: string }) =>
      stopClinic(stopTarget!.schedule.id, { segmentId: stopTarget!.segment?.id, reason: v.reason.trim() }),
    onSuccess: (r) => {
      setStopTarget(null);
      refresh();
      modal.success({
        title: tr('已停诊', 'Clinic stopped'),
        content: tr(
          `已取消受影响的 ${r.cancelled} 个挂号，其中 ${r.refunded} 笔已发起全额退款；患者已收到停诊通知。`,
          `${r.cancelled} affected registrations cancelled, ${r.refunded} refunds started; the patients have been notified.`,
        ),
      });
    },
    onError: (e) => message.error((e as Error).message),
  });
  const extra = useMutation({
    mutationFn: (v: { count: number; channel: string }) =>
      addExtraSlots(schedule!.id, { segmentId: extraFor!.id, count: v.count, channel: v.channel }),
    onSuccess: (r) => {
      setExtraFor(null);
      refresh();
      message.success(tr(`已加号：${r.numbers.join('、')}`, `Added numbers ${r.numbers.join(', ')}`));
    },
    onError: (e) => message.error((e as Error).message),
  });

  const openStop = (t: StopTarget) => {
    stopForm.resetFields();
    setStopTarget(t);
  };

  return (
    <Drawer open={!!schedule} onClose={onClose} title={title} size={720} data-testid="schedule-drawer">
      {schedule && (
        <>
          <Descriptions column={2} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={tr('号别', 'Level')}>
              {levelLabel(tr, schedule.level)}
            </Descriptions.Item>
            <Descriptions.Item label={tr('挂号费', 'Fee')}>¥{yuan(schedule.feeFen)}</Descriptions.Item>
            <Descriptions.Item label={tr('出诊时间', 'Hours')}>
              {fmtTime(schedule.startAt)}–{fmtTime(schedule.endAt)}
            </Descriptions.Item>
            <Descriptions.Item
              label={schedule.state === 'past' ? tr('已约', 'Booked') : tr('余号', 'Remaining')}
            >
              {schedule.state === 'past'
                ? `${schedule.booked ?? schedule.total - schedule.remaining}/${schedule.total}`
                : `${schedule.remaining}/${schedule.total}`}
            </Descriptions.Item>
            <Descriptions.Item label={tr('放号时间', 'Release')}>
              {inHospital(schedule.releaseAt).format('YYYY-MM-DD HH:mm')}{' '}
              {schedule.released ? (
                <Tag color="green">{tr('已放号', 'Released')}</Tag>
              ) : (
                <Tag>{tr('未放号', 'Not yet')}</Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={tr('状态', 'State')}>
              {schedule.state === 'stopped' ? (
                <Tag color="red">
                  {tr('停诊', 'Stopped')}
                  {schedule.stopReason ? `：${schedule.stopReason}` : ''}
                </Tag>
              ) : schedule.state === 'past' ? (
                <Tag>{codeLabel(tr, scheduleViewStateLabels, 'past')}</Tag>
              ) : (
                <Tag color="green">{tr('正常', 'Open')}</Tag>
              )}
            </Descriptions.Item>
          </Descriptions>
          <Space style={{ marginBottom: 12 }}>
            <Button
              disabled={schedule.state === 'stopped'}
              onClick={() => {
                editForm.setFieldsValue({ level: schedule.level, feeYuan: schedule.feeFen / 100 });
                setEditing(true);
              }}
              data-testid="schedule-edit"
            >
              {tr('修改号别/费用', 'Change level / fee')}
            </Button>
            <Button
              danger
              disabled={schedule.state === 'stopped'}
              onClick={() => openStop({ schedule })}
              data-testid="stop-schedule"
            >
              {tr('整班停诊', 'Stop the whole clinic')}
            </Button>
          </Space>
          <Table<SegmentView>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={schedule.segments}
            columns={[
              { title: '#', dataIndex: 'seq', width: 40 },
              {
                title: tr('时段', 'Segment'),
                key: 't',
                render: (_, g) => `${fmtTime(g.startAt)}–${fmtTime(g.endAt)}`,
              },
              {
                title: tr('余号/已约/总数', 'Left/booked/total'),
                key: 'n',
                render: (_, g) => `${g.remaining}/${g.booked ?? g.total - g.remaining}/${g.total}`,
              },
              {
                title: tr('状态', 'State'),
                key: 's',
                render: (_, g) =>
                  g.state === 'open' && g.full ? (
                    <Tag color="orange">{tr('约满', 'Full')}</Tag>
                  ) : (
                    <CodeTag tr={tr} table={segmentViewStateLabels} code={g.state} colors={SEGMENT_COLORS} />
                  ),
              },
              {
                title: tr('操作', 'Actions'),
                key: 'a',
                render: (_, g) => (
                  <Space>
                    <Button
                      size="small"
                      danger
                      disabled={g.state === 'stopped' || g.state === 'past' || schedule.state === 'stopped'}
                      onClick={() => openStop({ schedule, segment: g })}
                      data-testid={`stop-segment-${g.seq}`}
                      data-segment-id={g.id}
                    >
                      {tr('停诊', 'Stop')}
                    </Button>
                    <Button
                      size="small"
                      disabled={g.state !== 'open' || schedule.state !== 'open'}
                      onClick={() => {
                        extraForm.setFieldsValue({ count: 1, channel: 'shared' });
                        setExtraFor(g);
                      }}
                      data-testid={`extra-slots-${g.seq}`}
                    >
                      {tr('加号', 'Extra slots')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        </>
      )}
      <Modal
        open={editing}
        title={tr('修改号别与挂号费', 'Change level and fee')}
        onCancel={() => setEditing(false)}
        onOk={() => editForm.submit()}
        confirmLoading={edit.isPending}
        forceRender
      >
        <Form form={editForm} layout="vertical" onFinish={(v) => edit.mutate(v)}>
          <Form.Item name="level" label={tr('号别', 'Level')} rules={[{ required: true }]}>
            <Select
              options={(['general', 'expert', 'special'] as const).map((l) => ({
                value: l,
                label: levelLabel(tr, l),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="feeYuan"
            label={tr('挂号费（元）', 'Fee (yuan)')}
            rules={[{ required: true }, { type: 'number', min: 0, max: 100000 }]}
          >
            <InputNumber min={0} precision={2} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!stopTarget}
        title={
          stopTarget?.segment
            ? tr(
                `停诊时段 ${fmtTime(stopTarget.segment.startAt)}–${fmtTime(stopTarget.segment.endAt)}`,
                `Stop segment ${fmtTime(stopTarget.segment.startAt)}–${fmtTime(stopTarget.segment.endAt)}`,
              )
            : tr('整班停诊', 'Stop the whole clinic')
        }
        onCancel={() => setStopTarget(null)}
        forceRender
        footer={[
          <Button key="c" onClick={() => setStopTarget(null)}>
            {tr('取消', 'Cancel')}
          </Button>,
          <Button
            key="ok"
            danger
            type="primary"
            loading={stop.isPending}
            onClick={() => stopForm.submit()}
            data-testid="stop-confirm"
          >
            {tr('确认停诊', 'Stop clinic')}
          </Button>,
        ]}
      >
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={tr(
            '停诊将取消该范围内的全部挂号，已支付的全额退款，并通知患者。此操作不可撤销。',
            'Stopping cancels every registration in this range, refunds paid ones in full and notifies the patients. This cannot be undone.',
          )}
        />
        <Form form={stopForm} layout="vertical" onFinish={(v) => stop.mutate(v)}>
          <Form.Item
            name="reason"
            label={tr('停诊原因（将告知患者）', 'Reason (shown to patients)')}
            rules={[
              { required: true, whitespace: true, message: tr('请填写停诊原因', 'A reason is required') },
              { min: 2, max: 200, message: tr('原因 2-200 个字', 'Reason: 2 to 200 characters') },
            ]}
          >
            <Input.TextArea rows={3} maxLength={200} showCount data-testid="stop-reason" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!extraFor}
        title={tr('加号', 'Add extra slots')}
        onCancel={() => setExtraFor(null)}
        forceRender
        footer={[
          <Button key="c" onClick={() => setExtraFor(null)}>
            {tr('取消', 'Cancel')}
          </Button>,
          <Button
            key="ok"
            type="primary"
            loading={extra.isPending}
            onClick={() => extraForm.submit()}
            data-testid="extra-confirm"
          >
            {tr('确认加号', 'Add')}
          </Button>,
        ]}
      >
        <Form form={extraForm} layout="vertical" onFinish={(v) => extra.mutate(v)}>
          <Form.Item
            name="count"
            label={tr('加号数量', 'Count')}
            rules={[{ required: true }, { type: 'number', min: 1, max: 50 }]}
          >
            <InputNumber min={1} max={50} precision={0} data-testid="extra-count" />
          </Form.Item>
          <Form.Item name="channel" label={tr('号源渠道', 'Channel')}>
            <Select
              options={['shared', 'online', 'counter', 'third_party'].map((c) => ({
                value: c,
                label: channelLabel(tr, c),
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}

function HolidayStop(props: {
  open: boolean;
  departmentId?: string;
  deptOptions: { value: string; label: string }[];
  onClose: () => void;
}) {
  const tr = useTr();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ range: [dayjs.Dayjs, dayjs.Dayjs]; departmentId?: string; reason: string }>();
  const run = useMutation({
    mutationFn: (v: { range: [dayjs.Dayjs, dayjs.Dayjs]; departmentId?: string; reason: string }) =>
      holidayStop({
        from: v.range[0].format('YYYY-MM-DD'),
        to: v.range[1].format('YYYY-MM-DD'),
        departmentId: v.departmentId,
        reason: v.reason.trim(),
      }),
    onSuccess: (r) => {
      props.onClose();
      void qc.invalidateQueries({ queryKey: ['schedules'] });
      modal.success({
        title: tr('已批量停诊', 'Clinics stopped'),
        content: tr(
          `停诊 ${r.schedules} 个排班，取消 ${r.cancelled} 个挂号，发起 ${r.refunded} 笔退款。`,
          `${r.schedules} schedules stopped, ${r.cancelled} registrations cancelled, ${r.refunded} refunds started.`,
        ),
      });
    },
    onError: (e) => message.error((e as Error).message),
  });
  return (
    <Modal
      open={props.open}
      title={tr('假期批量停诊', 'Stop clinics for a holiday')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okButtonProps={{ danger: true }}
      okText={tr('确认停诊', 'Stop clinics')}
      confirmLoading={run.isPending}
      afterOpenChange={(o) => o && form.setFieldsValue({ departmentId: props.departmentId })}
      forceRender
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 12 }}
        title={tr(
          '范围内全部排班停诊，已预约的挂号取消并全额退款，患者会收到通知。',
          'Every clinic in the range stops; bookings are cancelled, refunded in full and the patients notified.',
        )}
      />
      <Form form={form} layout="vertical" onFinish={(v) => run.mutate(v)}>
        <Form.Item
          name="range"
          label={tr('日期范围（最多 31 天）', 'Dates (31 days max)')}
          rules={[{ required: true }]}
        >
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item name="departmentId" label={tr('科室（留空为全院）', 'Department (empty: whole hospital)')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={props.deptOptions} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={tr('停诊原因', 'Reason')}
          rules={[
            { required: true, whitespace: true },
            { min: 2, max: 200 },
          ]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NewSchedule(props: { open: boolean; departmentId?: string; date: string; onClose: () => void }) {
  const tr = useTr();
  const { lang } = useLang();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const doctors = useDoctors();
  const shifts = useQuery({ queryKey: ['shifts'], queryFn: listShifts });
  const [form] = Form.useForm();
  const inDept = (doctors.data ?? []).filter((d) => d.departments?.some((x) => x.id === props.departmentId));
  const create = useMutation({
    mutationFn: (v: {
      doctorId: string;
      clinicDate: dayjs.Dayjs;
      shiftCode: string;
      segmentMinutes: number;
      slotsPerSegment: number;
      level: RegistrationLevel;
      feeYuan: number;
    }) =>
      createSchedule({
        doctorId: v.doctorId,
        departmentId: props.departmentId,
        clinicDate: v.clinicDate.format('YYYY-MM-DD'),
        shiftCode: v.shiftCode,
        segmentMinutes: v.segmentMinutes,
        slotsPerSegment: v.slotsPerSegment,
        level: v.level,
        feeFen: toFen(v.feeYuan),
      }),
    onSuccess: () => {
      props.onClose();
      void qc.invalidateQueries({ queryKey: ['schedules'] });
      message.success(tr('已新增排班', 'Schedule added'));
    },
    onError: (e) => message.error(applyServerErrors(form, e)),
  });
  return (
    <Modal
      open={props.open}
      title={tr('新增排班', 'New schedule')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      afterOpenChange={(o) =>
        o &&
        form.setFieldsValue({
          clinicDate: dayjs(props.date),
          segmentMinutes: 30,
          slotsPerSegment: 5,
          level: 'general',
          feeYuan: 10,
        })
      }
      forceRender
    >
      <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)}>
        <Form.Item name="doctorId" label={tr('医生', 'Doctor')} rules={[{ required: true }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={inDept.map((d) => ({ value: d.id, label: d.name }))}
          />
        </Form.Item>
        <Space wrap>
          <Form.Item name="clinicDate" label={tr('出诊日期', 'Date')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="shiftCode" label={tr('班次', 'Shift')} rules={[{ required: true }]}>
            <Select
              style={{ width: 180 }}
              options={(shifts.data ?? []).map((s) => ({
                value: s.code,
                label: `${lang === 'en' ? s.nameEn : s.nameZh} ${s.startTime}-${s.endTime}`,
              }))}
            />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item
            name="segmentMinutes"
            label={tr('时段（分钟）', 'Segment (min)')}
            rules={[{ required: true }]}
          >
            <InputNumber min={5} max={720} precision={0} />
          </Form.Item>
          <Form.Item
            name="slotsPerSegment"
            label={tr('每时段号数', 'Slots / segment')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={500} precision={0} />
          </Form.Item>
          <Form.Item name="level" label={tr('号别', 'Level')} rules={[{ required: true }]}>
            <Select
              style={{ width: 120 }}
              options={(['general', 'expert', 'special'] as const).map((l) => ({
                value: l,
                label: levelLabel(tr, l),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="feeYuan"
            label={tr('挂号费（元）', 'Fee (yuan)')}
            rules={[{ required: true }, { type: 'number', min: 0, max: 100000 }]}
          >
            <InputNumber min={0} precision={2} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
