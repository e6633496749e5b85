/**
 * Physical exams (EXAM-01…07): authorise the exchange with the exam system, see its records, choose
 * a package suited to the family member, book a date with places left, pay through the cashier,
 * reschedule or cancel (refunded), and open the report once the exam is done.
 */
import {
  businessRefundStateLabels,
  examBookingStateLabels,
  examRecordStatusLabels,
} from '@qingnang/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, NoticeBar, Tag, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, exams, newIdempotencyKey, type ExamBooking, type ExamDate, type Patient } from '../api';
import { Page, QueryView } from '../components/common';
import { ForPatient, openCashier } from '../components/care';
import { ActionError, usePatientAction } from '../components/action';
import { dateTime, weekday, yuan } from '../format';
import { useI18n } from '../i18n';

function BookingStateTag({ b }: { b: ExamBooking }) {
  const { t, code } = useI18n();
  const color =
    b.state === 'locked'
      ? 'warning'
      : ['paid', 'confirmed', 'checked_in'].includes(b.state)
        ? 'success'
        : b.state === 'completed'
          ? 'primary'
          : 'default';
  return (
    <Tag color={color} data-testid="exam-booking-state" data-state={b.state}>
      {code(examBookingStateLabels, b.state)}
    </Tag>
  );
}

/** Asks the patient to authorise the exchange with the exam system; true when granted. */
async function confirmAuthorisation(patientId: string, t: ReturnType<typeof useI18n>['t']): Promise<boolean> {
  const ok = await Dialog.confirm({
    content: <span data-testid="exam-authorise-text">{t('examAuthoriseText')}</span>,
    confirmText: <span data-testid="exam-authorise-confirm">{t('examAuthoriseOk')}</span>,
    cancelText: t('cancel'),
  });
  if (!ok) return false;
  await exams.setAuthorisation(patientId, true);
  return true;
}

/** EXAM-01…03: packages suited to the chosen family member, authorisation and exam-system records. */
export function ExamsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('examsTitle')} testId="exams-page">
      <ForPatient>{(p) => <ExamHome patient={p} />}</ForPatient>
    </Page>
  );
}

function ExamHome({ patient }: { patient: Patient }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const gender = patient.gender === 'male' || patient.gender === 'female' ? patient.gender : undefined;
  const packages = useQuery({
    queryKey: ['exam-packages', gender, patient.age],
    queryFn: () => exams.packages({ gender, age: patient.age }),
  });
  const auth = useQuery({
    queryKey: ['exam-authorisation', patient.id],
    queryFn: () => exams.authorisation(patient.id),
  });
  const authorised = auth.data?.authorised ?? false;
  const records = useQuery({
    queryKey: ['exam-records', patient.id],
    queryFn: () => exams.records(patient.id),
    enabled: authorised,
  });

  const { run } = usePatientAction({ show: 'toast' });
  const toggle = () =>
    run('authorise', async () => {
      if (authorised) {
        const ok = await Dialog.confirm({ content: t('examRevokeText'), cancelText: t('cancel') });
        if (!ok) return;
        await exams.setAuthorisation(patient.id, false);
      } else if (!(await confirmAuthorisation(patient.id, t))) return;
      await queryClient.invalidateQueries({ queryKey: ['exam-authorisation', patient.id] });
      await queryClient.invalidateQueries({ queryKey: ['exam-records', patient.id] });
    });

  return (
    <>
      <List className="card">
        <List.Item
          extra={
            <Button
              size="small"
              color={authorised ? 'default' : 'primary'}
              onClick={toggle}
              data-testid="exam-authorise"
            >
              {authorised ? t('examRevoke') : t('examAuthorise')}
            </Button>
          }
          description={t('examAuthoriseHint')}
        >
          <span data-testid="exam-authorisation" data-authorised={authorised ? 'true' : 'false'}>
            {authorised ? t('examAuthorised') : t('examNotAuthorised')}
          </span>
        </List.Item>
        <List.Item
          arrow
          onClick={() => navigate(`/exam-bookings?patient=${patient.id}`)}
          data-testid="exam-my-bookings"
        >
          {t('examMyBookings')}
        </List.Item>
        <List.Item arrow onClick={() => navigate('/exam-report')} data-testid="exam-report-by-code">
          {t('examReportTitle')}
        </List.Item>
      </List>
      {authorised ? (
        <QueryView query={records}>
          {(rows) =>
            rows.length ? (
              <List className="card" header={t('examRecords')} data-testid="exam-records">
                {rows.map((r) => (
                  <List.Item
                    key={r.examNo}
                    data-testid="exam-record"
                    description={r.summary ?? undefined}
                    extra={code(examRecordStatusLabels, r.status)}
                  >
                    {r.examDate} · {r.packageName}
                  </List.Item>
                ))}
              </List>
            ) : (
              <></>
            )
          }
        </QueryView>
      ) : null}
      <div className="section-title padded-x">{t('examPackages')}</div>
      <QueryView query={packages} empty={(x) => x.length === 0} emptyText={t('examNoPackages')}>
        {(rows) => (
          <div data-testid="exam-package-list">
            {rows.map((p) => (
              <div
                key={p.id}
                className="card padded"
                data-testid="exam-package"
                data-id={p.id}
                onClick={() => navigate(`/exam-packages/${p.id}?patient=${patient.id}`)}
              >
                <div className="bill-head">
                  <span className="strong">{p.name}</span>
                  <span className="price">¥{yuan(p.priceFen)}</span>
                </div>
                <div className="small muted ellipsis2">{p.description}</div>
                <div className="small muted">
                  {t('examItemCount', { n: p.itemCount })} · {p.categories.join('、')}
                </div>
              </div>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

/** A strip of the bookable days with the places left on each. */
function DateStrip(props: { dates: ExamDate[]; value: string; onChange: (d: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="exam-date-grid" data-testid="exam-dates">
      {props.dates.map((d) => (
        <Button
          key={d.date}
          block
          size="small"
          disabled={!d.bookable}
          color={props.value === d.date ? 'primary' : 'default'}
          onClick={() => props.onChange(d.date)}
          data-testid="exam-date"
          data-date={d.date}
          data-bookable={d.bookable ? 'true' : 'false'}
        >
          <div>
            {d.date.slice(5)} {t('weekdays').split(',')[weekday(d.date)]}
          </div>
          <div className="small">{d.bookable ? t('examRemaining', { n: d.remaining }) : t('examFull')}</div>
        </Button>
      ))}
    </div>
  );
}

/** EXAM-03…05: a package's items, a date, and booking with payment. */
export function ExamPackagePage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const patientId = params.get('patient') ?? '';
  const { t } = useI18n();
  const navigate = useNavigate();
  const [date, setDate] = useState('');
  const { busy, error, run } = usePatientAction();
  const keyRef = useRef<{ sel: string; key: string } | null>(null);
  const pkg = useQuery({ queryKey: ['exam-package', id], queryFn: () => exams.package(id) });
  const dates = useQuery({ queryKey: ['exam-package', id, 'dates'], queryFn: () => exams.dates(id) });

  const book = async () => {
    if (!date || !patientId) return;
    const sel = `${patientId}:${id}:${date}`;
    if (keyRef.current?.sel !== sel) keyRef.current = { sel, key: `exam-${newIdempotencyKey()}` };
    const input = { patientId, packageId: id, examDate: date, idempotencyKey: keyRef.current.key };
    await run('book', async () => {
      let b: ExamBooking;
      try {
        b = await exams.book(input);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'EXAM_AUTHORISATION_REQUIRED')) throw err;
        if (!(await confirmAuthorisation(patientId, t))) return;
        b = await exams.book(input);
      }
      if (b.state === 'locked' && b.paymentOrder)
        await openCashier(
          navigate,
          { orderId: b.paymentOrder.id, orderNo: b.paymentOrder.orderNo },
          `/exam-bookings/${b.id}`,
        );
      else navigate(`/exam-bookings/${b.id}`);
    });
  };

  return (
    <Page title={t('examPackageTitle')} testId="exam-package-page">
      <QueryView query={pkg}>
        {(p) => (
          <>
            <div className="card padded">
              <div className="bill-head">
                <span className="strong" style={{ fontSize: 16 }} data-testid="exam-package-name">
                  {p.name}
                </span>
                <span className="price big">¥{yuan(p.priceFen)}</span>
              </div>
              {p.description ? <div className="small muted">{p.description}</div> : null}
              {p.notes ? <NoticeBar color="info" wrap content={p.notes} /> : null}
            </div>
            <List
              className="card"
              header={t('examItems', { n: p.itemCount })}
              data-testid="exam-package-items"
            >
              {p.items.map((i, n) => (
                <List.Item
                  key={`${i.name}-${n}`}
                  description={i.meaning ?? undefined}
                  extra={<span className="small muted">{i.category}</span>}
                >
                  {i.name}
                </List.Item>
              ))}
            </List>
            <div className="card padded">
              <div className="strong">{t('examChooseDate')}</div>
              <QueryView query={dates} empty={(d) => d.items.length === 0} emptyText={t('examNoDates')}>
                {(d) => <DateStrip dates={d.items} value={date} onChange={setDate} />}
              </QueryView>
            </div>
            <ActionError error={error} testId="exam-book-error" />
            <div className="page-footer pay-bar">
              <span>
                {date ? `${date} · ` : ''}
                <span className="price big">¥{yuan(p.priceFen)}</span>
              </span>
              <Button
                color="primary"
                disabled={!date || !patientId}
                loading={busy === 'book'}
                onClick={book}
                data-testid="exam-book"
              >
                {t('examBook')}
              </Button>
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** My exam bookings for the chosen family member. */
export function ExamBookingsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('examMyBookings')} testId="exam-bookings-page">
      <ForPatient>{(p) => <BookingList patientId={p.id} />}</ForPatient>
    </Page>
  );
}

function BookingList({ patientId }: { patientId: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['exam-bookings', patientId], queryFn: () => exams.bookings(patientId) });
  return (
    <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('examNoBookings')}>
      {(rows) => (
        <div data-testid="exam-booking-list">
          {rows.map((b) => (
            <div
              key={b.id}
              className="card padded"
              data-testid="exam-booking-item"
              data-id={b.id}
              onClick={() => navigate(`/exam-bookings/${b.id}`)}
            >
              <div className="bill-head">
                <span className="strong">{b.package.name}</span>
                <BookingStateTag b={b} />
              </div>
              <div className="small muted">
                {b.patientName} · {b.examDate} · ¥{yuan(b.priceFen)}
              </div>
            </div>
          ))}
        </div>
      )}
    </QueryView>
  );
}

/** EXAM-05…07: one booking: pay, reschedule, cancel with refund, the report when ready. */
export function ExamBookingPage() {
  const { id = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [moving, setMoving] = useState(false);
  const [newDate, setNewDate] = useState('');
  const booking = useQuery({
    queryKey: ['exam-booking', id],
    queryFn: () => exams.booking(id),
    refetchInterval: (q) => {
      const b = q.state.data;
      if (!b) return false;
      // after the cashier the payment notification arrives asynchronously
      if (b.state === 'locked') return 2000;
      if (['pending', 'requested', 'processing'].includes(b.refundState)) return 3000;
      return false;
    },
  });
  const packageId = booking.data?.package.id;
  const dates = useQuery({
    queryKey: ['exam-package', packageId, 'dates'],
    queryFn: () => exams.dates(packageId ?? ''),
    enabled: moving && Boolean(packageId),
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['exam-booking', id] });
    await queryClient.invalidateQueries({ queryKey: ['exam-bookings'] });
  };
  const { busy, error, run: act } = usePatientAction({ after: refresh });

  const pay = (b: ExamBooking) =>
    act('pay', () =>
      openCashier(
        navigate,
        { orderId: b.paymentOrder!.id, orderNo: b.paymentOrder!.orderNo },
        `/exam-bookings/${b.id}`,
      ),
    );
  const cancel = async (b: ExamBooking) => {
    const ok = await Dialog.confirm({
      content: <span data-testid="exam-cancel-text">{t('examCancelConfirm')}</span>,
      confirmText: <span data-testid="exam-cancel-confirm">{t('examCancel')}</span>,
      cancelText: t('cancel'),
    });
    if (!ok) return;
    await act('cancel', async () => {
      await exams.cancel(b.id);
      Toast.show({ content: t('examCancelled') });
    });
  };
  const reschedule = (b: ExamBooking) =>
    act('reschedule', async () => {
      await exams.reschedule(b.id, newDate);
      setMoving(false);
      setNewDate('');
      Toast.show({ icon: 'success', content: t('examRescheduled') });
    });

  return (
    <Page title={t('examBookingTitle')} testId="exam-booking-page">
      <QueryView query={booking}>
        {(b) => (
          <>
            <div className="card padded">
              <div className="bill-head">
                <span className="strong" style={{ fontSize: 16 }}>
                  {b.package.name}
                </span>
                <BookingStateTag b={b} />
              </div>
              <div className="small muted">{b.bookingNo}</div>
            </div>
            {b.state === 'locked' && b.lockExpiresAt ? (
              <NoticeBar color="alert" content={t('regPayDeadline', { time: dateTime(b.lockExpiresAt) })} />
            ) : null}
            {b.examSystemPending && b.state !== 'locked' ? (
              <NoticeBar color="info" wrap content={t('examSyncPending')} />
            ) : null}
            <List className="card">
              <List.Item extra={b.patientName}>{t('regPatient')}</List.Item>
              <List.Item extra={<span data-testid="exam-booking-date">{b.examDate}</span>}>
                {t('examDate')}
              </List.Item>
              <List.Item extra={<span className="price">¥{yuan(b.priceFen)}</span>}>{t('examFee')}</List.Item>
              {b.examOrderNo ? <List.Item extra={b.examOrderNo}>{t('examOrderNo')}</List.Item> : null}
              {b.changeable && b.state !== 'locked' ? (
                <List.Item extra={b.lastChangeDate}>{t('examLastChange')}</List.Item>
              ) : null}
              {b.refundState !== 'none' ? (
                <List.Item
                  extra={
                    <span data-testid="exam-refund-state" data-state={b.refundState}>
                      {code(businessRefundStateLabels, b.refundState)}
                    </span>
                  }
                >
                  {t('regRefund')}
                </List.Item>
              ) : null}
            </List>
            {b.report ? (
              <List className="card">
                <List.Item
                  arrow
                  onClick={() => navigate(`/reports/${b.report!.id}?patient=${b.patientId}`)}
                  data-testid="exam-booking-report"
                  description={dateTime(b.report.reportedAt)}
                >
                  {t('examOpenReport')} · {b.report.title}
                </List.Item>
              </List>
            ) : null}
            {moving ? (
              <div className="card padded" data-testid="exam-reschedule-form">
                <div className="strong">{t('examChooseDate')}</div>
                <QueryView query={dates} empty={(d) => d.items.length === 0} emptyText={t('examNoDates')}>
                  {(d) => (
                    <DateStrip
                      dates={d.items.filter((x) => x.date !== b.examDate)}
                      value={newDate}
                      onChange={setNewDate}
                    />
                  )}
                </QueryView>
                <Button
                  block
                  color="primary"
                  disabled={!newDate}
                  loading={busy === 'reschedule'}
                  onClick={() => reschedule(b)}
                  data-testid="exam-reschedule-confirm"
                >
                  {t('examRescheduleTo', { date: newDate || '-' })}
                </Button>
              </div>
            ) : null}
            <ActionError error={error} testId="exam-booking-error" />
            <div className="padded stack">
              {b.state === 'locked' && b.paymentOrder ? (
                <Button
                  block
                  color="primary"
                  size="large"
                  loading={busy === 'pay'}
                  onClick={() => pay(b)}
                  data-testid="exam-pay"
                >
                  {t('regPay')} ¥{yuan(b.priceFen)}
                </Button>
              ) : null}
              {b.changeable && b.state !== 'locked' && !moving ? (
                <Button block fill="outline" onClick={() => setMoving(true)} data-testid="exam-reschedule">
                  {t('examReschedule')}
                </Button>
              ) : null}
              {b.changeable ? (
                <Button
                  block
                  color="danger"
                  fill="outline"
                  loading={busy === 'cancel'}
                  onClick={() => cancel(b)}
                  data-testid="exam-cancel"
                >
                  {t('examCancel')}
                </Button>
              ) : null}
              {!b.changeable && ['paid', 'confirmed'].includes(b.state) ? (
                <div className="small muted center">{t('examNoChange')}</div>
              ) : null}
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}
