import { useMemo, type ReactNode } from 'react';
import { Alert, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import {
  prescriptionStateLabels,
  registrationStateLabels,
  scheduleViewStateLabels,
  type ScheduleViewState,
} from '@qingnang/contracts';
import { articles, priceItems } from '../api/directory';
import { getWorkbench, type ClinicCard, type ClinicPatient, type Workbench } from '../api/workbench';
import type { Prescription } from '../api/pharmacy';
import { useMe } from '../auth';
import { BarChart } from '../components/BarChart';
import { useDepartmentNames, useDoctorNames } from '../components/lookups';
import { useLabel, useTr } from '../i18n';
import { hhmm, yuan } from '../format';
import { CodeTag, codeLabel } from '../labels';
import { holds } from '../menu';
import { REGISTRATION_STATE_COLORS } from './registration/colors';

const CLINIC_COLORS: Partial<Record<ScheduleViewState, string>> = { open: 'green', stopped: 'red' };

function Count({
  title,
  value,
  to,
  loading,
  testId,
}: {
  title: string;
  value?: ReactNode;
  to?: string;
  loading?: boolean;
  testId?: string;
}) {
  const navigate = useNavigate();
  return (
    <Card hoverable={!!to} onClick={() => to && navigate(to)} data-testid={testId}>
      <Statistic title={title} value={(value as number | string | undefined) ?? '-'} loading={loading} />
    </Card>
  );
}

export function DashboardPage() {
  const tr = useTr();
  const label = useLabel();
  const me = useMe();
  const perms = me?.permissions ?? [];
  const dir = holds(perms, 'directory.manage');
  const home = useQuery({ queryKey: ['workbench'], queryFn: getWorkbench, refetchInterval: 60_000 });
  const arts = useQuery({
    queryKey: ['dashboard', 'articles'],
    queryFn: () => articles.list({ page: 1, pageSize: 1 }),
    enabled: holds(perms, 'content.manage'),
  });
  const prices = useQuery({
    queryKey: ['dashboard', 'prices'],
    queryFn: () => priceItems.list({ page: 1, pageSize: 1 }),
    enabled: holds(perms, 'prices.manage'),
  });
  const w = home.data;
  const who = [w?.staff.departmentName, w?.staff.doctorName].filter(Boolean).join(' · ');

  return (
    <div data-testid="home">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {tr(`您好，${me?.user.displayName ?? ''}`, `Hello, ${me?.user.displayName ?? ''}`)}
      </Typography.Title>
      {w && (
        <Typography.Paragraph type="secondary">
          {tr(`今天是 ${w.date}`, `Today is ${w.date}`)}
          {who && ` · ${who}`}
        </Typography.Paragraph>
      )}
      {home.error && (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={(home.error as Error).message} />
      )}
      {w?.notLinked && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={label(w.notLinked.message)}
          data-testid="home-not-linked"
        />
      )}
      {w?.overview && <Overview overview={w.overview} perms={perms} />}
      {w?.doctor && <DoctorClinics clinics={w.doctor.clinics} />}
      {w?.nurse && <NurseClinics nurse={w.nurse} />}
      {w?.pharmacist && <PharmacyQueue queue={w.pharmacist} />}
      {w?.medic && (
        <Card title={tr('急救任务', 'Emergency tasks')} style={{ marginBottom: 16 }} data-testid="home-medic">
          <Empty description={label(w.medic.message)} />
        </Card>
      )}
      {(dir || holds(perms, 'content.manage') || holds(perms, 'prices.manage')) && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {holds(perms, 'content.manage') && (
            <Col xs={12} lg={6}>
              <Count
                title={tr('资讯文章', 'Articles')}
                value={arts.data?.total}
                loading={arts.isLoading}
                to="/directory/articles"
              />
            </Col>
          )}
          {holds(perms, 'prices.manage') && (
            <Col xs={12} lg={6}>
              <Count
                title={tr('收费项目', 'Fee items')}
                value={prices.data?.total}
                loading={prices.isLoading}
                to="/directory/prices"
              />
            </Col>
          )}
        </Row>
      )}
      {dir && <DoctorsPerDepartment />}
    </div>
  );
}

function Overview({ overview: o, perms }: { overview: NonNullable<Workbench['overview']>; perms: string[] }) {
  const tr = useTr();
  const regs = holds(perms, 'registrations.read') ? '/registration/registrations' : undefined;
  return (
    <Card title={tr('今日概况', 'Today')} style={{ marginBottom: 16 }} data-testid="home-overview">
      <Row gutter={[16, 16]}>
        <Col xs={12} lg={6}>
          <Count
            title={tr('今日门诊（停诊）', 'Clinics today (stopped)')}
            value={`${o.clinics}（${o.clinicsStopped}）`}
            to={holds(perms, 'scheduling.manage') ? '/scheduling/schedules' : undefined}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('剩余号源 / 总号源', 'Slots left / total')}
            value={`${o.slotsLeft} / ${o.slots}`}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('今日挂号', "Today's registrations")}
            value={o.registrations.booked}
            to={regs}
            testId="home-registrations"
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('已取号 / 候诊', 'Checked in / waiting')}
            value={`${o.registrations.checkedIn} / ${o.registrations.waiting}`}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count title={tr('待支付', 'Awaiting payment')} value={o.registrations.awaitingPayment} />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('爽约 / 已取消', 'No-shows / cancelled')}
            value={`${o.registrations.noShow} / ${o.registrations.cancelled}`}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('今日挂号费（元）', "Today's registration fees (¥)")}
            value={yuan(o.registrationFeesFen)}
            to={holds(perms, 'payments.read') ? '/payments/orders' : undefined}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('待完成退款', 'Refunds open')}
            value={o.refundsOpen}
            to={holds(perms, 'refunds.manage') ? '/payments/refunds' : undefined}
          />
        </Col>
      </Row>
    </Card>
  );
}

function clinicTitle(tr: ReturnType<typeof useTr>, c: ClinicCard) {
  return (
    <Space wrap>
      <span>{`${hhmm(c.startAt)}–${hhmm(c.endAt)}`}</span>
      <span>{[c.departmentName, c.doctorName].filter(Boolean).join(' · ')}</span>
      <CodeTag tr={tr} table={scheduleViewStateLabels} code={c.state} colors={CLINIC_COLORS} />
      {c.state === 'open' && c.bookingClosed && <Tag>{tr('已停止预约', 'Booking closed')}</Tag>}
    </Space>
  );
}

function DoctorClinics({ clinics }: { clinics: ClinicCard[] }) {
  const tr = useTr();
  if (!clinics.length)
    return (
      <Card
        title={tr('我的今日门诊', 'My clinics today')}
        style={{ marginBottom: 16 }}
        data-testid="home-doctor"
      >
        <Empty description={tr('今天没有您的门诊排班', 'You have no clinic today')} />
      </Card>
    );
  return (
    <div data-testid="home-doctor">
      {clinics.map((c) => (
        <Card
          key={c.scheduleId}
          title={clinicTitle(tr, c)}
          extra={tr(
            `已约 ${c.booked}/${c.total} · 已取号 ${c.checkedIn} · 候诊 ${c.waiting} · 爽约 ${c.noShow}`,
            `Booked ${c.booked}/${c.total} · checked in ${c.checkedIn} · waiting ${c.waiting} · no-show ${c.noShow}`,
          )}
          style={{ marginBottom: 16 }}
        >
          <Table<ClinicPatient>
            rowKey="registrationId"
            size="small"
            pagination={false}
            dataSource={c.patients ?? []}
            locale={{ emptyText: tr('暂无预约患者', 'No patients booked') }}
            columns={[
              { title: tr('号序', 'No.'), dataIndex: 'slotNumber', width: 70 },
              { title: tr('就诊人', 'Patient'), dataIndex: 'patientName' },
              {
                title: tr('就诊时段', 'Time'),
                key: 't',
                render: (_, p) => `${hhmm(p.segmentStartAt)}–${hhmm(p.segmentEndAt)}`,
              },
              {
                title: tr('排队号', 'Queue no.'),
                dataIndex: 'queueNumber',
                render: (q: number | null) => q ?? '',
              },
              {
                title: tr('状态', 'State'),
                dataIndex: 'state',
                render: (s: string) => (
                  <CodeTag
                    tr={tr}
                    table={registrationStateLabels}
                    code={s}
                    colors={REGISTRATION_STATE_COLORS}
                  />
                ),
              },
              { title: tr('取号时间', 'Checked in'), dataIndex: 'checkedInAt', render: hhmm },
            ]}
          />
        </Card>
      ))}
    </div>
  );
}

function NurseClinics({ nurse }: { nurse: NonNullable<Workbench['nurse']> }) {
  const tr = useTr();
  const t = nurse.totals;
  return (
    <Card
      title={tr('本科室今日门诊', "Department's clinics today")}
      style={{ marginBottom: 16 }}
      data-testid="home-nurse"
    >
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} lg={6}>
          <Count title={tr('门诊数', 'Clinics')} value={t.clinics} />
        </Col>
        <Col xs={12} lg={6}>
          <Count title={tr('预约人数', 'Booked')} value={t.booked} />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('已取号 / 候诊', 'Checked in / waiting')}
            value={`${t.checkedIn} / ${t.waiting}`}
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count title={tr('爽约', 'No-shows')} value={t.noShow} />
        </Col>
      </Row>
      <Table<ClinicCard>
        rowKey="scheduleId"
        size="small"
        pagination={false}
        dataSource={nurse.clinics}
        locale={{ emptyText: tr('本科室今天没有门诊', 'No clinics in the department today') }}
        columns={[
          { title: tr('时段', 'Time'), key: 't', render: (_, c) => `${hhmm(c.startAt)}–${hhmm(c.endAt)}` },
          { title: tr('医生', 'Doctor'), dataIndex: 'doctorName' },
          { title: tr('科室', 'Department'), dataIndex: 'departmentName' },
          {
            title: tr('已约 / 号源', 'Booked / slots'),
            key: 'b',
            render: (_, c) => `${c.booked} / ${c.total}`,
          },
          { title: tr('已取号', 'Checked in'), dataIndex: 'checkedIn' },
          { title: tr('候诊', 'Waiting'), dataIndex: 'waiting' },
          { title: tr('爽约', 'No-shows'), dataIndex: 'noShow' },
          {
            title: tr('状态', 'State'),
            dataIndex: 'state',
            render: (s: string) => (
              <CodeTag tr={tr} table={scheduleViewStateLabels} code={s} colors={CLINIC_COLORS} />
            ),
          },
        ]}
      />
    </Card>
  );
}

function PharmacyQueue({ queue }: { queue: NonNullable<Workbench['pharmacist']> }) {
  const tr = useTr();
  return (
    <Card
      title={tr('待处理处方', 'Prescriptions to handle')}
      style={{ marginBottom: 16 }}
      data-testid="home-pharmacist"
    >
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} lg={6}>
          <Count
            title={tr('待院内取药', 'To dispense at the hospital')}
            value={queue.toDispense}
            to="/pharmacy/prescriptions"
          />
        </Col>
        <Col xs={12} lg={6}>
          <Count
            title={tr('上传失败待重试', 'Uploads to retry')}
            value={queue.uploadFailed}
            to="/pharmacy/prescriptions"
          />
        </Col>
      </Row>
      <Table<Prescription>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={queue.items}
        locale={{ emptyText: tr('暂无待处理的处方', 'Nothing to handle') }}
        columns={[
          { title: tr('患者', 'Patient'), dataIndex: 'patientName' },
          { title: tr('开方科室', 'Department'), dataIndex: 'departmentName' },
          { title: tr('医生', 'Doctor'), dataIndex: 'doctorName' },
          { title: tr('药品数', 'Items'), dataIndex: 'itemCount' },
          { title: tr('金额（元）', 'Amount'), dataIndex: 'totalFen', render: yuan },
          {
            title: tr('状态', 'State'),
            dataIndex: 'state',
            render: (s: string) => codeLabel(tr, prescriptionStateLabels, s),
          },
        ]}
      />
    </Card>
  );
}

/** The directory's doctors per first-level department (for those who maintain the directory). */
function DoctorsPerDepartment() {
  const tr = useTr();
  const depts = useDepartmentNames();
  const doctors = useDoctorNames();
  const chart = useMemo(() => {
    const all = depts.data ?? [];
    const parents = all.filter((d) => !d.parentId);
    const parentOf = (id: string) => {
      const d = all.find((x) => x.id === id);
      return d?.parentId ?? d?.id;
    };
    const counts = new Map<string, number>();
    for (const doc of doctors.data ?? []) {
      const ps = new Set(doc.departmentIds.map(parentOf));
      ps.forEach((p) => p && counts.set(p, (counts.get(p) ?? 0) + 1));
    }
    return { labels: parents.map((p) => p.name), values: parents.map((p) => counts.get(p.id) ?? 0) };
  }, [depts.data, doctors.data]);
  if (!chart.labels.length) return null;
  return (
    <Card title={tr('各科室医生人数', 'Doctors per department')}>
      <BarChart labels={chart.labels} values={chart.values} />
    </Card>
  );
}
