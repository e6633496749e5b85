import { doctorTitleLabels, levelLabels } from '@qingnang/contracts';
import { useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, List, NoticeBar, Radio, SearchBar, Tabs } from 'antd-mobile';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  directory,
  newIdempotencyKey,
  patients,
  registrations,
  scheduling,
  type Department,
  type Doctor,
  type Schedule,
  type TimeSegment,
} from '../api';
import { errorText, Page, QueryView, Section, useLoggedIn } from '../components/common';
import { DepartmentPicker } from '../components/department-picker';
import { ScheduleCard, scheduleDate } from '../components/schedule';
import { addDays, hhmm, hospitalToday, shiftKey, weekday, yuan } from '../format';
import { useI18n } from '../i18n';
import { DoctorAvatar } from './home';

type Mode = 'today' | 'advance';

function useMode(): Mode {
  const { mode } = useParams();
  return mode === 'today' ? 'today' : 'advance';
}

/** What the confirm page needs; carried in navigation state, re-fetched from the query on reload. */
interface BookingState {
  schedule: Schedule;
  segmentId?: string;
  doctor?: { name: string; title?: string; photoUrl?: string };
  departmentName?: string;
}

export function useBook() {
  const navigate = useNavigate();
  return (
    schedule: Schedule,
    segment: TimeSegment | undefined,
    extra: { doctor?: BookingState['doctor']; departmentName?: string },
  ) => {
    const q = new URLSearchParams();
    if (segment) q.set('segmentId', segment.id);
    if (schedule.doctorId) q.set('doctorId', schedule.doctorId);
    if (schedule.departmentId) q.set('departmentId', schedule.departmentId);
    const date = scheduleDate(schedule);
    if (date) q.set('date', date);
    const state: BookingState = { schedule, segmentId: segment?.id, ...extra };
    navigate(`/register/confirm/${schedule.id}?${q.toString()}`, { state });
  };
}

/** Flattened department names by id (schedules carry only the id). */
export function useDepartmentNames(): Map<string, string> {
  const departments = useQuery({ queryKey: ['departments'], queryFn: directory.departments });
  return useMemo(() => {
    const map = new Map<string, string>();
    const walk = (list: Department[]) => {
      for (const d of list) {
        map.set(d.id, d.name);
        if (d.children) walk(d.children);
      }
    };
    walk(departments.data ?? []);
    return map;
  }, [departments.data]);
}

export function RegisterPage() {
  const mode = useMode();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const loggedIn = useLoggedIn();
  const recent = useQuery({
    queryKey: ['recent-doctors'],
    queryFn: registrations.recentDoctors,
    enabled: loggedIn,
    retry: false,
  });
  const [q, setQ] = useState('');
  const [by, setBy] = useState<'department' | 'date'>('department');
  const search = useQuery({
    queryKey: ['doctors', 'register', q],
    queryFn: () => directory.doctors({ q, pageSize: 20 }),
    enabled: q.length > 0,
  });
  const recentList = recent.data ?? [];
  return (
    <Page title={mode === 'today' ? t('regToday') : t('regAdvance')} testId={`register-${mode}-page`}>
      <div className="search-wrap">
        <SearchBar
          placeholder={t('regSearchDoctor')}
          onSearch={(v) => setQ(v.trim())}
          onClear={() => setQ('')}
          data-testid="register-doctor-search"
        />
      </div>
      {q ? (
        <QueryView query={search} empty={(d) => d.items.length === 0}>
          {(d) => (
            <List data-testid="doctor-list">
              {d.items.map((doc) => (
                <DoctorPick
                  key={doc.id}
                  doctor={doc}
                  onClick={() => navigate(`/register/${mode}/doctors/${doc.id}`)}
                />
              ))}
            </List>
          )}
        </QueryView>
      ) : (
        <>
          {recentList.length > 0 ? (
            <Section title={t('regRecentDoctors')}>
              <div className="hscroll" data-testid="recent-doctors">
                {recentList.map((r) => {
                  const id = r.doctorId ?? r.doctor?.id ?? r.id ?? '';
                  const name = r.doctor?.name ?? r.doctorName ?? r.name ?? '';
                  const title = r.doctor?.title ?? r.doctorTitle ?? r.title;
                  return (
                    <div
                      key={id}
                      className="doctor-card"
                      data-testid="recent-doctor"
                      onClick={() => navigate(`/register/${mode}/doctors/${id}`)}
                    >
                      <DoctorAvatar name={name} photoUrl={r.doctor?.photoUrl ?? r.photoUrl} />
                      <div className="doctor-card-name">{name}</div>
                      <div className="doctor-card-title">{code(doctorTitleLabels, title)}</div>
                      <div className="doctor-card-dept ellipsis">{r.departmentName}</div>
                      {r.upcoming && r.upcoming.some((u) => u.remaining > 0) ? (
                        <div className="doctor-card-next">{t('regHasSlots')}</div>
                      ) : null}
                    </div>
                  );
                })}
              </div>
            </Section>
          ) : null}
          {mode === 'advance' ? (
            <Tabs activeKey={by} onChange={(k) => setBy(k === 'date' ? 'date' : 'department')}>
              <Tabs.Tab
                key="department"
                title={<span data-testid="register-by-department">{t('regByDepartment')}</span>}
              />
              <Tabs.Tab key="date" title={<span data-testid="register-by-date">{t('regByDate')}</span>} />
            </Tabs>
          ) : (
            <div className="section-title padded-x">{t('regChooseDepartment')}</div>
          )}
          {by === 'date' && mode === 'advance' ? (
            <DateFirst
              onPick={(departmentId, date) =>
                navigate(`/register/advance/departments/${departmentId}?date=${date}`)
              }
            />
          ) : (
            <DepartmentPicker onPick={(d) => navigate(`/register/${mode}/departments/${d.id}`)} />
          )}
        </>
      )}
    </Page>
  );
}

/** 日期挂号 (REG-04): pick a day, then one of the departments with clinics that day. */
function DateFirst({ onPick }: { onPick: (departmentId: string, date: string) => void }) {
  const { t } = useI18n();
  const names = useDepartmentNames();
  const today = hospitalToday();
  const dates = useMemo(
    () => Array.from({ length: 7 }, (_, i) => ({ date: addDays(today, i + 1) })),
    [today],
  );
  const [date, setDate] = useState(dates[0].date);
  const schedules = useQuery({
    queryKey: ['schedules', 'date', date],
    queryFn: () => scheduling.byDate(date),
  });
  const departments = useMemo(() => {
    const byDept = new Map<string, { remaining: number; clinics: number; label?: string }>();
    for (const s of schedules.data ?? []) {
      if (!s.departmentId) continue;
      const entry = byDept.get(s.departmentId) ?? { remaining: 0, clinics: 0, label: s.departmentName };
      entry.clinics += 1;
      if (s.released !== false && s.state !== 'stopped') entry.remaining += s.remaining;
      byDept.set(s.departmentId, entry);
    }
    return [...byDept.entries()]
      .map(([id, v]) => ({ id, name: names.get(id) ?? v.label ?? '', ...v }))
      .sort((a, b) => b.remaining - a.remaining);
  }, [schedules.data, names]);
  return (
    <>
      <DateStrip dates={dates} value={date} onChange={setDate} />
      <QueryView query={schedules} empty={() => departments.length === 0} emptyText={t('regNoSchedules')}>
        {() => (
          <List data-testid="date-department-list">
            {departments.map((d) => (
              <List.Item
                key={d.id}
                data-testid="date-department-item"
                arrowIcon
                onClick={() => onPick(d.id, date)}
                extra={
                  d.remaining > 0 ? (
                    <span className="remaining">{t('regRemaining', { n: d.remaining })}</span>
                  ) : (
                    <span className="muted">{t('regFull')}</span>
                  )
                }
              >
                {d.name}
              </List.Item>
            ))}
          </List>
        )}
      </QueryView>
    </>
  );
}

function DoctorPick({ doctor, onClick }: { doctor: Doctor; onClick: () => void }) {
  const { t, code } = useI18n();
  return (
    <List.Item
      data-testid="doctor-item"
      prefix={<DoctorAvatar name={doctor.name} photoUrl={doctor.photoUrl} size={40} />}
      description={doctor.departments?.map((d) => d.name).join('、')}
      arrowIcon
      onClick={onClick}
    >
      {doctor.name} <span className="muted small">{code(doctorTitleLabels, doctor.title)}</span>
    </List.Item>
  );
}

/** Department → date strip → doctors with the remaining numbers of each time segment. */
export function DepartmentSchedulesPage() {
  const mode = useMode();
  const { departmentId = '' } = useParams();
  const { t } = useI18n();
  const book = useBook();
  const today = hospitalToday();
  const department = useQuery({
    queryKey: ['department', departmentId],
    queryFn: () => directory.department(departmentId),
  });
  const days = useQuery({
    queryKey: ['schedule-days', departmentId],
    queryFn: () => scheduling.departmentDays(departmentId),
    enabled: mode === 'advance',
    retry: false,
  });
  const dates = useMemo(() => {
    if (mode === 'today') return [{ date: today, remaining: undefined as number | undefined }];
    const fromServer = (days.data ?? []).filter((d) => d.date > today);
    if (fromServer.length > 0)
      return fromServer.map((d) => ({ date: d.date, remaining: d.released ? d.remaining : undefined }));
    return Array.from({ length: 7 }, (_, i) => ({
      date: addDays(today, i + 1),
      remaining: undefined,
    }));
  }, [mode, days.data, today]);
  const [searchParams] = useSearchParams();
  const [picked, setPicked] = useState<string | null>(searchParams.get('date'));
  const date = picked && dates.some((d) => d.date === picked) ? picked : dates[0]?.date;
  const schedules = useQuery({
    queryKey: ['schedules', 'department', departmentId, date],
    queryFn: () => scheduling.byDepartment(departmentId, date),
    enabled: Boolean(date),
    refetchInterval: 30_000,
  });
  const doctorsById = useMemo(() => {
    const map = new Map<string, Doctor>();
    for (const d of department.data?.doctors ?? []) map.set(d.id, d);
    return map;
  }, [department.data]);
  const doctorOf = (s: Schedule) => {
    const d = s.doctorId ? doctorsById.get(s.doctorId) : undefined;
    return d ? { name: d.name, title: d.title, photoUrl: d.photoUrl } : undefined;
  };

  return (
    <Page
      title={department.data?.name ?? (mode === 'today' ? t('regToday') : t('regAdvance'))}
      testId="department-schedules-page"
    >
      <DateStrip dates={dates} value={date} onChange={setPicked} />
      <QueryView query={schedules} empty={(list) => list.length === 0} emptyText={t('regNoSchedules')}>
        {(list) => (
          <div data-testid="schedule-list" className="schedule-list">
            {list.map((s) => (
              <ScheduleCard
                key={s.id}
                schedule={s}
                showDoctor
                doctor={doctorOf(s)}
                onBook={(schedule, segment) =>
                  book(schedule, segment, {
                    doctor: doctorOf(schedule),
                    departmentName: department.data?.name,
                  })
                }
              />
            ))}
          </div>
        )}
      </QueryView>
    </Page>
  );
}

function DateStrip(props: {
  dates: Array<{ date: string; remaining?: number }>;
  value?: string;
  onChange: (date: string) => void;
}) {
  const { t } = useI18n();
  const weekdays = t('weekdays').split(',');
  const today = hospitalToday();
  return (
    <div className="date-strip" data-testid="date-strip">
      {props.dates.map(({ date, remaining }) => {
        return (
          <button
            type="button"
            key={date}
            className={`date-cell ${date === props.value ? 'active' : ''}`}
            data-testid="date-item"
            data-date={date}
            onClick={() => props.onChange(date)}
          >
            <div className="date-week">{date === today ? t('today') : weekdays[weekday(date)]}</div>
            <div className="date-day">{date.slice(5)}</div>
            {remaining !== undefined ? (
              <div className={`date-left ${remaining > 0 ? '' : 'none'}`}>
                {remaining > 0 ? t('regRemaining', { n: remaining }) : t('regFull')}
              </div>
            ) : null}
          </button>
        );
      })}
    </div>
  );
}

/** A doctor's clinics (from doctor search or quick re-booking). */
export function DoctorSchedulesPage() {
  const mode = useMode();
  const { doctorId = '' } = useParams();
  const { t, code } = useI18n();
  const book = useBook();
  const names = useDepartmentNames();
  const doctor = useQuery({ queryKey: ['doctor', doctorId], queryFn: () => directory.doctor(doctorId) });
  const today = hospitalToday();
  const schedules = useQuery({
    queryKey: ['schedules', 'doctor', doctorId, mode],
    queryFn: () => scheduling.byDoctor(doctorId, mode === 'today' ? today : undefined),
    refetchInterval: 30_000,
  });
  const d = doctor.data;
  const info = d ? { name: d.name, title: d.title, photoUrl: d.photoUrl } : undefined;
  return (
    <Page title={d?.name ?? t('doctorTitle')} testId="doctor-schedules-page">
      {d ? (
        <div className="doctor-hero">
          <DoctorAvatar name={d.name} photoUrl={d.photoUrl} size={56} />
          <div className="doctor-hero-main">
            <div className="doctor-hero-name">{d.name}</div>
            <div className="small">{code(doctorTitleLabels, d.title)}</div>
            {d.specialties?.length ? (
              <div className="small muted ellipsis2">
                {t('doctorSpecialties')}
                {t('colon')}
                {d.specialties.join('、')}
              </div>
            ) : null}
          </div>
        </div>
      ) : null}
      <QueryView
        query={schedules}
        empty={(list) => list.filter((s) => mode === 'today' || scheduleDate(s) > today).length === 0}
        emptyText={t('doctorNoSchedule')}
      >
        {(list) => (
          <div data-testid="schedule-list" className="schedule-list">
            {list
              .filter((s) => mode === 'today' || scheduleDate(s) > today)
              .map((s) => {
                const departmentName = s.departmentId ? names.get(s.departmentId) : undefined;
                return (
                  <ScheduleCard
                    key={s.id}
                    schedule={s}
                    showDate
                    departmentName={departmentName}
                    onBook={(schedule, segment) => book(schedule, segment, { doctor: info, departmentName })}
                  />
                );
              })}
          </div>
        )}
      </QueryView>
    </Page>
  );
}

/** Choose the family member, check the details, take the slot (it is locked until payment). */
export function ConfirmRegistrationPage() {
  const { scheduleId = '' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const { t, code } = useI18n();
  const names = useDepartmentNames();
  const passed = location.state as BookingState | null;
  const segmentId = params.get('segmentId') ?? passed?.segmentId ?? undefined;
  const departmentId = params.get('departmentId') ?? undefined;
  const doctorId = params.get('doctorId') ?? undefined;
  const date = params.get('date') ?? undefined;

  const reloaded = useQuery({
    queryKey: ['schedules', 'confirm', scheduleId, departmentId, doctorId, date],
    queryFn: async () => {
      const list = departmentId
        ? await scheduling.byDepartment(departmentId, date)
        : await scheduling.byDoctor(doctorId ?? '', date);
      return list.find((s) => s.id === scheduleId) ?? null;
    },
    enabled: !passed?.schedule && Boolean(departmentId || doctorId),
  });
  const schedule = passed?.schedule ?? reloaded.data ?? undefined;
  const doctorQuery = useQuery({
    queryKey: ['doctor', schedule?.doctorId],
    queryFn: () => directory.doctor(schedule?.doctorId ?? ''),
    enabled: !passed?.doctor && Boolean(schedule?.doctorId),
  });
  const doctor =
    passed?.doctor ??
    (doctorQuery.data ? { name: doctorQuery.data.name, title: doctorQuery.data.title } : undefined);
  const departmentName =
    passed?.departmentName ?? (schedule?.departmentId ? names.get(schedule.departmentId) : undefined);
  const segment = schedule?.segments?.find((s) => s.id === segmentId);

  const family = useQuery({ queryKey: ['patients', 'list'], queryFn: patients.list });
  const [patientId, setPatientId] = useState<string | null>(null);
  const chosen =
    patientId ??
    family.data?.find((p) => p.isDefault && p.verified)?.id ??
    family.data?.find((p) => p.verified)?.id ??
    null;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per confirm page: a double tap or a retry after a timeout books once.
  const idempotencyKey = useRef(newIdempotencyKey());

  const submit = async () => {
    setError(null);
    if (!chosen) return setError(t('regNeedVerified'));
    setBusy(true);
    try {
      const reg = await registrations.create({
        patientId: chosen,
        scheduleId,
        segmentId,
        idempotencyKey: idempotencyKey.current,
      });
      navigate(`/registrations/${reg.id}`, { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (!schedule)
    return (
      <Page title={t('regConfirmTitle')} testId="confirm-registration-page">
        {reloaded.isPending && (departmentId || doctorId) ? null : (
          <NoticeBar color="alert" content={t('loadFailed')} />
        )}
      </Page>
    );

  const shiftCode = schedule.shiftCode ?? schedule.shift;
  return (
    <Page
      title={t('regConfirmTitle')}
      testId="confirm-registration-page"
      footer={
        <div className="confirm-footer">
          <div>
            {t('regFee')} <span className="price big">¥{yuan(schedule.feeFen)}</span>
          </div>
          <Button color="primary" loading={busy} onClick={submit} data-testid="registration-submit">
            {t('regSubmit')}
          </Button>
        </div>
      }
    >
      <List className="card" data-testid="registration-summary">
        <List.Item
          extra={doctor ? `${doctor.name} ${doctor.title ? code(doctorTitleLabels, doctor.title) : ''}` : ''}
        >
          {t('regDoctor')}
        </List.Item>
        <List.Item extra={departmentName}>{t('regDepartment')}</List.Item>
        <List.Item extra={scheduleDate(schedule)}>{t('regDate')}</List.Item>
        <List.Item
          extra={
            segment
              ? `${hhmm(segment.startAt ?? segment.startTime)}-${hhmm(segment.endAt ?? segment.endTime)}`
              : shiftCode && shiftKey[shiftCode]
                ? t(shiftKey[shiftCode])
                : shiftCode
          }
        >
          {t('regTime')}
        </List.Item>
        <List.Item extra={code(levelLabels, schedule.level)}>{t('regLevel')}</List.Item>
        <List.Item extra={<span className="price">¥{yuan(schedule.feeFen)}</span>}>{t('regFee')}</List.Item>
      </List>
      <Section
        title={t('choosePatient')}
        className="card"
        extra={<a onClick={() => navigate('/patients/new')}>{t('patientsAdd')}</a>}
      >
        <QueryView query={family} empty={(x) => x.length === 0} emptyText={t('patientsEmpty')}>
          {(list) => (
            <Radio.Group value={chosen} onChange={(v) => setPatientId(String(v))}>
              <div className="stack" data-testid="choose-patient-list">
                {list.map((p) => (
                  <Radio
                    key={p.id}
                    value={p.id}
                    disabled={!p.verified}
                    data-testid="choose-patient-item"
                    className="patient-radio"
                  >
                    <span className="strong">{p.name}</span>{' '}
                    <span className="muted small">{p.idNumberMasked}</span>
                    {!p.verified ? (
                      <span className="small danger-text"> {t('patientUnverified')}</span>
                    ) : null}
                  </Radio>
                ))}
              </div>
            </Radio.Group>
          )}
        </QueryView>
      </Section>
      {schedule.feeFen > 0 ? <p className="small muted padded-x">{t('regLockNotice')}</p> : null}
      {error ? (
        <div className="form-error padded-x" role="alert" data-testid="registration-error">
          {error}
        </div>
      ) : null}
    </Page>
  );
}
