import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  businessRefundStateLabels,
  levelLabels,
  refundStateLabels,
  registrationStateLabels,
} from '@qingnang/contracts';
import { Button, Dialog, List, NoticeBar, Steps, Tabs, Tag, Toast } from 'antd-mobile';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, credit, directory, insurance, payments, registrations, type Registration } from '../api';
import { errorText, Page, QueryView } from '../components/common';
import { dateTime, hhmm, hospitalToday, shiftKey, stateColor, yuan } from '../format';
import { useI18n } from '../i18n';

const PENDING = ['locked', 'pending_payment', 'awaiting_payment', 'created'];
const ACTIVE = ['paid', 'confirmed', 'booked'];

export function orderIdOf(r: Registration): string | undefined {
  return r.paymentOrderId ?? r.orderId ?? r.payment?.orderId ?? r.payment?.id ?? undefined;
}

function clinicDate(r: Registration) {
  return r.clinicDate ?? r.date ?? '';
}

function timeText(r: Registration, t: ReturnType<typeof useI18n>['t']) {
  const start = r.segmentStartAt ?? r.segmentStart ?? r.startTime;
  const end = r.segmentEndAt ?? r.segmentEnd ?? r.endTime;
  if (start) return `${hhmm(start)}-${hhmm(end)}`;
  const code = r.shiftName ?? r.shiftCode ?? r.shift;
  return code && shiftKey[code] ? t(shiftKey[code]) : (code ?? '');
}

export function RegistrationStateTag({ r }: { r: Registration }) {
  const { code } = useI18n();
  return (
    <Tag color={stateColor(r.state)} data-testid="registration-state" data-state={r.state}>
      {code(registrationStateLabels, r.state)}
    </Tag>
  );
}

export function RegistrationsPage() {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'today' ? 'today' : 'all';
  const list = useQuery({ queryKey: ['registrations', 'list'], queryFn: () => registrations.list() });
  const today = hospitalToday();
  // 今日就诊: today's bookings, where check-in (取号) happens
  const items = (list.data?.items ?? []).filter((r) => tab === 'all' || clinicDate(r) === today);
  return (
    <Page title={t('regsTitle')} back={false} testId="registrations-page">
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'today' ? { tab: 'today' } : {}, { replace: true })}
      >
        <Tabs.Tab key="all" title={<span data-testid="registrations-tab-all">{t('all')}</span>} />
        <Tabs.Tab key="today" title={<span data-testid="registrations-tab-today">{t('regsToday')}</span>} />
      </Tabs>
      <QueryView query={list} empty={() => items.length === 0} emptyText={t('regsEmpty')}>
        {() => (
          <>
            <div data-testid="registration-list">
              {items.map((r) => (
                <div
                  key={r.id}
                  className="card registration-card"
                  data-testid="registration-item"
                  data-id={r.id}
                  onClick={() => navigate(`/registrations/${r.id}`)}
                >
                  <div className="registration-card-head">
                    <span className="strong">
                      {r.departmentName} · {r.doctorName}
                    </span>
                    <RegistrationStateTag r={r} />
                  </div>
                  <div className="small muted">
                    {clinicDate(r)} {timeText(r, t)}
                  </div>
                  <div className="small muted">
                    {t('regPatient')}
                    {t('colon')}
                    {r.patientName ?? r.patient?.name} · ¥{yuan(r.feeFen)}
                    {r.refundState && r.refundState !== 'none' ? (
                      <span> · {code(businessRefundStateLabels, r.refundState)}</span>
                    ) : null}
                  </div>
                </div>
              ))}
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** After the cashier, the detail page polls until the payment notification has been applied. */
export function RegistrationPage() {
  const { id = '' } = useParams();
  const { t, l, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const registration = useQuery({
    queryKey: ['registration', id],
    queryFn: () => registrations.get(id),
    refetchInterval: (q) => {
      const r = q.state.data;
      if (!r) return false;
      if (PENDING.includes(r.state)) return 1000;
      const refund = r.refundState ?? r.refund?.state;
      if (refund && ['pending', 'requested', 'processing'].includes(refund)) return 3000;
      if (r.state === 'refunding') return 3000;
      return false;
    },
  });
  const departmentId = registration.data?.departmentId;
  const department = useQuery({
    queryKey: ['department', departmentId],
    queryFn: () => directory.department(departmentId ?? ''),
    enabled: Boolean(departmentId),
  });
  // PAY-13: with credit care the fee can be paid later
  const patientId = registration.data?.patientId;
  const creditAccount = useQuery({
    queryKey: ['credit', patientId],
    queryFn: () => credit.get(patientId ?? ''),
    enabled: Boolean(patientId) && PENDING.includes(registration.data?.state ?? ''),
    retry: false,
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['registration', id] });
    await queryClient.invalidateQueries({ queryKey: ['registrations'] });
  };

  const pay = async (r: Registration) => {
    const orderId = orderIdOf(r);
    if (!orderId) return;
    setBusy('pay');
    try {
      const result = await payments.pay(orderId, 'sandbox');
      const orderNo = result.orderNo ?? r.orderNo ?? '';
      const url =
        result.cashierUrl ??
        (result.pay?.kind === 'redirect' ? result.pay.url : `/cashier/${encodeURIComponent(orderNo)}`);
      rememberCashierReturn(orderNo, `/registrations/${r.id}`);
      if (url.startsWith('/')) navigate(url);
      else window.location.href = url;
    } catch (err) {
      Toast.show({ content: errorText(err) });
    } finally {
      setBusy(null);
    }
  };

  const payOnCredit = async (r: Registration) => {
    const orderId = orderIdOf(r);
    if (!orderId) return;
    setBusy('pay-credit');
    try {
      await credit.payOrder(r.patientId, orderId);
      Toast.show({ icon: 'success', content: t('operationDone') });
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="registration-pay-credit-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    } finally {
      setBusy(null);
      await refresh();
    }
  };

  // INS-16: the registration fee from the insurance personal account
  const payByAccount = async (r: Registration) => {
    setBusy('pay-account');
    try {
      await insurance.payRegistration(r.id);
      Toast.show({ icon: 'success', content: t('operationDone') });
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="registration-pay-account-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    } finally {
      setBusy(null);
      await refresh();
    }
  };

  const cancel = async (r: Registration) => {
    const ok = await Dialog.confirm({
      content: <span data-testid="cancel-confirm-text">{t('regCancelConfirm')}</span>,
      confirmText: <span data-testid="cancel-confirm">{t('regCancel')}</span>,
      cancelText: t('cancel'),
    });
    if (!ok) return;
    setBusy('cancel');
    try {
      await registrations.cancel(r.id);
      Toast.show({ content: <span data-testid="registration-cancel-toast">{t('regCancelled')}</span> });
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="cancel-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    } finally {
      setBusy(null);
      await refresh();
    }
  };

  const checkIn = async (r: Registration) => {
    setBusy('check-in');
    try {
      let done: Registration;
      try {
        done = await registrations.checkIn(r.id);
      } catch (err) {
        // a hospital with a campus geofence asks for the position (REG-17)
        if (!(err instanceof ApiError && err.code === 'CHECKIN_LOCATION_REQUIRED')) throw err;
        done = await registrations.checkIn(r.id, await currentPosition());
      }
      Toast.show({
        icon: 'success',
        content: t('regCheckedIn', { n: String(done?.queueNo ?? done?.queueNumber ?? '') }),
      });
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="check-in-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    } finally {
      setBusy(null);
      await refresh();
    }
  };

  return (
    <Page title={t('regDetailTitle')} testId="registration-page">
      <QueryView query={registration}>
        {(r) => {
          const pending = PENDING.includes(r.state);
          const active = ACTIVE.includes(r.state) || r.state === 'checked_in';
          const deadline = r.lockExpiresAt ?? r.paymentDeadline ?? r.payment?.expiresAt;
          const refundState =
            r.refund?.state ?? (r.refundState && r.refundState !== 'none' ? r.refundState : undefined);
          const refund = refundState
            ? { state: refundState, amountFen: r.payment?.refundedFen || r.payment?.amountFen || r.feeFen }
            : undefined;
          const canCancel = r.cancellable ?? r.canCancel ?? (pending || ACTIVE.includes(r.state));
          const canCheckIn = r.canCheckIn ?? (ACTIVE.includes(r.state) && clinicDate(r) === hospitalToday());
          const queueNo = r.queueNo ?? r.queueNumber;
          // GUIDE-04/05: where to go, from the department's location in the directory
          const d = department.data;
          const location =
            r.location ??
            (d
              ? [
                  d.campus?.name,
                  d.floor ? `${d.floor.buildingName ?? ''} ${d.floor.label}`.trim() : '',
                  d.location,
                ]
                  .filter(Boolean)
                  .join(' · ')
              : '');
          const navigationUrl = d?.campus?.navigationUrl;
          return (
            <>
              <div className="card registration-hero">
                <RegistrationStateTag r={r} />
                <div className="registration-hero-title">
                  {r.departmentName} · {r.doctorName}
                </div>
                <div className="small muted">
                  {clinicDate(r)} {timeText(r, t)}
                </div>
                {pending && deadline ? (
                  <NoticeBar color="alert" content={t('regPayDeadline', { time: dateTime(deadline) })} />
                ) : null}
                {active && r.qrPayload ? (
                  <div className="qr" data-testid="registration-qr">
                    <QRCodeSVG value={r.qrPayload} size={168} level="M" />
                    <div className="small muted">{t('regQrHint')}</div>
                  </div>
                ) : null}
                {r.guidance ? (
                  <NoticeBar color="info" wrap data-testid="registration-guidance" content={l(r.guidance)} />
                ) : null}
                {queueNo ? (
                  <div className="queue-no" data-testid="registration-queue-no">
                    {t('regQueueNo')} <span className="big">{queueNo}</span>
                  </div>
                ) : null}
              </div>
              <List className="card">
                <List.Item extra={r.patientName ?? r.patient?.name}>{t('regPatient')}</List.Item>
                <List.Item extra={r.departmentName}>{t('regDepartment')}</List.Item>
                <List.Item extra={r.doctorName}>{t('regDoctor')}</List.Item>
                <List.Item extra={clinicDate(r)}>{t('regDate')}</List.Item>
                <List.Item extra={timeText(r, t)}>{t('regTime')}</List.Item>
                {(r.slotNumber ?? r.sequenceNo ?? r.slotNo) ? (
                  <List.Item extra={r.slotNumber ?? r.sequenceNo ?? r.slotNo}>{t('regSlotNo')}</List.Item>
                ) : null}
                {r.level ? <List.Item extra={code(levelLabels, r.level)}>{t('regLevel')}</List.Item> : null}
                <List.Item extra={<span className="price">¥{yuan(r.feeFen)}</span>}>{t('regFee')}</List.Item>
                {location ? (
                  <List.Item
                    extra={<span data-testid="registration-location">{location}</span>}
                    description={
                      navigationUrl ? (
                        <a href={navigationUrl} target="_blank" rel="noreferrer">
                          {t('campusNavigate')} ›
                        </a>
                      ) : undefined
                    }
                  >
                    {t('regLocation')}
                  </List.Item>
                ) : null}
                {r.registrationNo ? <List.Item extra={r.registrationNo}>{t('regNo')}</List.Item> : null}
              </List>
              {refund ? (
                <div className="card padded" data-testid="refund-status" data-state={refund.state}>
                  <div className="strong">{t('regRefund')}</div>
                  <Steps
                    current={
                      refund.state === 'succeeded' || refund.state === 'failed'
                        ? 2
                        : refund.state === 'processing'
                          ? 1
                          : 0
                    }
                    style={{ '--title-font-size': '13px' } as React.CSSProperties}
                  >
                    <Steps.Step title={t('refundRequested')} />
                    <Steps.Step title={t('refundProcessing')} />
                    <Steps.Step
                      title={refund.state === 'failed' ? t('refundFailed') : t('refundSucceeded')}
                      status={
                        refund.state === 'failed' ? 'error' : refund.state === 'succeeded' ? 'finish' : 'wait'
                      }
                    />
                  </Steps>
                  <div className="small">
                    <span data-testid="refund-state-text">{code(refundStateLabels, refund.state)}</span>{' '}
                    <span className="muted">¥{yuan(refund.amountFen)}</span>
                  </div>
                </div>
              ) : null}
              <div className="padded stack">
                {pending && r.feeFen > 0 && orderIdOf(r) ? (
                  <Button
                    block
                    color="primary"
                    size="large"
                    loading={busy === 'pay'}
                    onClick={() => pay(r)}
                    data-testid="registration-pay"
                  >
                    {t('regPay')} ¥{yuan(r.feeFen)}
                  </Button>
                ) : null}
                {pending &&
                r.feeFen > 0 &&
                orderIdOf(r) &&
                creditAccount.data?.state === 'active' &&
                creditAccount.data.availableFen >= r.feeFen ? (
                  <Button
                    block
                    color="success"
                    fill="outline"
                    loading={busy === 'pay-credit'}
                    onClick={() => payOnCredit(r)}
                    data-testid="registration-pay-credit"
                  >
                    {t('billPayCredit')}
                  </Button>
                ) : null}
                {pending && r.feeFen > 0 ? (
                  <Button
                    block
                    color="success"
                    fill="outline"
                    loading={busy === 'pay-account'}
                    onClick={() => payByAccount(r)}
                    data-testid="registration-pay-account"
                  >
                    {t('regPayByAccount')}
                  </Button>
                ) : null}
                {canCheckIn && !queueNo ? (
                  <Button
                    block
                    color="success"
                    loading={busy === 'check-in'}
                    onClick={() => checkIn(r)}
                    data-testid="registration-check-in"
                  >
                    {t('regCheckIn')}
                  </Button>
                ) : null}
                {canCancel ? (
                  <Button
                    block
                    color="danger"
                    fill="outline"
                    loading={busy === 'cancel'}
                    onClick={() => cancel(r)}
                    data-testid="registration-cancel"
                  >
                    {t('regCancel')}
                  </Button>
                ) : null}
                {r.doctorId && !pending && !active ? (
                  <Button
                    block
                    fill="outline"
                    onClick={() => navigate(`/register/advance/doctors/${r.doctorId}`)}
                  >
                    {t('regBookAgain')}
                  </Button>
                ) : null}
              </div>
            </>
          );
        }}
      </QueryView>
    </Page>
  );
}

function currentPosition(): Promise<{ lat: number; lng: number }> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) return reject(new Error('geolocation unavailable'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude }),
      (e) => reject(new Error(e.message)),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  });
}

const RETURN_KEY = 'qn.cashier.return.';

export function rememberCashierReturn(orderNo: string, path: string) {
  try {
    sessionStorage.setItem(RETURN_KEY + orderNo, path);
  } catch {
    // without storage the cashier falls back to the order's business link
  }
}

export function cashierReturn(orderNo: string): string | null {
  try {
    return sessionStorage.getItem(RETURN_KEY + orderNo);
  } catch {
    return null;
  }
}
