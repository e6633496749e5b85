/**
 * Inpatient services (INP-01…08): bind an admission by its number and the patient's name; the
 * admission profile; the deposit balance and top-ups through the cashier; the deposit history; the
 * daily fee list; discharge settlement (pay the remainder or get the surplus back); past admissions.
 */
import { depositStateLabels, dischargeSettlementStateLabels, refundStateLabels } from '@qingnang/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, ErrorBlock, List, NoticeBar, Tag, Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { inpatient, newIdempotencyKey, type Admission, type Patient } from '../api';
import { Page, QueryView, TextInput } from '../components/common';
import { ForPatient, openCashier } from '../components/care';
import { ActionError, usePatientAction } from '../components/action';
import { addDays, dateTime, hospitalToday, isoDate, yuan } from '../format';
import { useI18n } from '../i18n';

function AdmissionCard({ a, onClick }: { a: Admission; onClick?: () => void }) {
  const { t } = useI18n();
  return (
    <div
      className="card padded"
      data-testid="admission-item"
      data-id={a.id}
      data-state={a.state}
      onClick={onClick}
    >
      <div className="bill-head">
        <span className="strong">
          {a.patientName} · {a.ward}
          {a.bed ? ` ${t('inpBedNo', { bed: a.bed })}` : ''}
        </span>
        <Tag color={a.state === 'admitted' ? 'success' : 'default'}>
          {a.state === 'admitted' ? t('inpAdmitted') : t('inpDischarged')}
        </Tag>
      </div>
      <div className="small muted">
        {t('inpAdmissionNo')}
        {t('colon')}
        {a.admissionNo} · {isoDate(new Date(a.admittedAt))}
        {a.dischargedAt ? ` ~ ${isoDate(new Date(a.dischargedAt))}` : ''}
      </div>
      {a.state === 'admitted' ? (
        <div className="small">
          {t('inpBalance')}
          {t('colon')}
          <span className={a.balanceFen < 0 ? 'danger-text strong' : 'strong'}>¥{yuan(a.balanceFen)}</span>
        </div>
      ) : null}
    </div>
  );
}

/** INP-01/07: bind an admission; current and past admissions of the chosen family member. */
export function InpatientPage() {
  const { t } = useI18n();
  return (
    <Page title={t('inpTitle')} testId="inpatient-page">
      <ForPatient>{(p) => <Admissions patient={p} />}</ForPatient>
    </Page>
  );
}

function Admissions({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [admissionNo, setAdmissionNo] = useState('');
  const [name, setName] = useState(patient.name);
  const { busy, error, run } = usePatientAction();
  const list = useQuery({ queryKey: ['admissions', patient.id], queryFn: () => inpatient.list(patient.id) });

  const bind = () =>
    run('bind', async () => {
      const a = await inpatient.bind({
        patientId: patient.id,
        admissionNo: admissionNo.trim(),
        name: name.trim(),
      });
      Toast.show({ icon: 'success', content: t('inpBound') });
      setAdmissionNo('');
      await queryClient.invalidateQueries({ queryKey: ['admissions', patient.id] });
      navigate(`/inpatient/${a.id}`);
    });

  return (
    <QueryView query={list}>
      {(data) => (
        <>
          <div className="section-title padded-x">{t('inpCurrent')}</div>
          <div data-testid="admission-current">
            {data.current.length ? (
              data.current.map((a) => (
                <AdmissionCard key={a.id} a={a} onClick={() => navigate(`/inpatient/${a.id}`)} />
              ))
            ) : (
              <div className="small muted padded-x">{t('inpNoCurrent')}</div>
            )}
          </div>
          <div className="card padded" data-testid="admission-bind-form">
            <div className="strong" style={{ marginBottom: 8 }}>
              {t('inpBindTitle')}
            </div>
            <div className="form-row">
              <span>{t('inpAdmissionNo')}</span>
              <TextInput
                value={admissionNo}
                onChange={setAdmissionNo}
                testId="admission-no"
                placeholder={t('inpAdmissionNoHint')}
              />
            </div>
            <div className="form-row">
              <span>{t('inpPatientName')}</span>
              <TextInput value={name} onChange={setName} testId="admission-name" />
            </div>
            <ActionError error={error} testId="admission-bind-error" className="form-error" />
            <Button
              block
              color="primary"
              loading={busy === 'bind'}
              disabled={!admissionNo.trim() || !name.trim()}
              onClick={bind}
              data-testid="admission-bind"
            >
              {t('inpBind')}
            </Button>
          </div>
          {data.past.length ? (
            <>
              <div className="section-title padded-x">{t('inpPast')}</div>
              <div data-testid="admission-past">
                {data.past.map((a) => (
                  <AdmissionCard key={a.id} a={a} onClick={() => navigate(`/inpatient/${a.id}`)} />
                ))}
              </div>
            </>
          ) : null}
        </>
      )}
    </QueryView>
  );
}

/** What the big figure means: the balance in hospital; after discharge the surplus or the shortfall. */
function balanceLabel(a: Admission, t: ReturnType<typeof useI18n>['t']): string {
  if (a.state === 'admitted') return t('inpBalance');
  if (a.balanceFen > 0) {
    if (a.settlementState === 'refunding') return t('inpSurplusRefunding');
    if (a.settlementState === 'refunded') return t('inpSurplusRefunded');
    return t('inpSurplus');
  }
  if (a.balanceFen < 0) return a.settlementState === 'settled' ? t('inpShortfallPaid') : t('inpShortfall');
  return t('inpDischarged');
}

const QUICK_AMOUNTS = [100_000, 200_000, 500_000];

/** INP-02…04, INP-08: one admission: profile, balance, top-up, deposits, settlement. */
export function AdmissionPage() {
  const { id = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState('');
  const { busy, error, run, refuse } = usePatientAction();
  const keyRef = useRef<{ amount: number; key: string } | null>(null);
  const admission = useQuery({ queryKey: ['admission', id], queryFn: () => inpatient.get(id) });
  const deposits = useQuery({
    queryKey: ['admission', id, 'deposits'],
    queryFn: () => inpatient.deposits(id),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.state === 'pending') ? 1000 : false),
  });
  // a top-up that settles changes the balance: read the admission again the moment it does
  const pendingDeposits = deposits.data?.items.filter((d) => d.state === 'pending').length ?? 0;
  const pendingBefore = useRef(pendingDeposits);
  useEffect(() => {
    if (pendingDeposits < pendingBefore.current)
      void queryClient.invalidateQueries({ queryKey: ['admission', id], exact: true });
    pendingBefore.current = pendingDeposits;
  }, [pendingDeposits, queryClient, id]);
  const discharged = admission.data?.state === 'discharged';
  const settlement = useQuery({
    queryKey: ['admission', id, 'settlement'],
    queryFn: () => inpatient.settlement(id),
    enabled: discharged,
    refetchInterval: (q) => (q.state.data?.settlementState === 'refunding' ? 1000 : false),
  });

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['admission', id] });
    await queryClient.invalidateQueries({ queryKey: ['admissions'] });
  };

  const topUp = async () => {
    const fen = Math.round(Number(amount) * 100);
    if (!Number.isFinite(fen) || fen <= 0) {
      refuse(t('depositAmountInvalid'));
      return;
    }
    if (keyRef.current?.amount !== fen)
      keyRef.current = { amount: fen, key: `deposit-${newIdempotencyKey()}` };
    const idempotencyKey = keyRef.current.key;
    await run('deposit', async () => {
      const started = await inpatient.startDeposit(id, { amountFen: fen, idempotencyKey });
      keyRef.current = null;
      await openCashier(
        navigate,
        { orderId: started.paymentOrder.id, orderNo: started.paymentOrder.orderNo },
        `/inpatient/${id}`,
      );
    });
  };

  const payRemainder = () =>
    run('settle-pay', async () => {
      const r = await inpatient.paySettlement(id);
      await openCashier(
        navigate,
        { orderId: r.paymentOrder.id, orderNo: r.paymentOrder.orderNo },
        `/inpatient/${id}`,
      );
    });

  const refundSurplus = async () => {
    const ok = await Dialog.confirm({
      content: <span data-testid="settlement-refund-confirm-text">{t('settlementRefundConfirm')}</span>,
      confirmText: <span data-testid="settlement-refund-confirm">{t('settlementRefund')}</span>,
      cancelText: t('cancel'),
    });
    if (!ok) return;
    await run('settle-refund', async () => {
      await inpatient.refundSurplus(id);
      Toast.show({ icon: 'success', content: t('settlementRefundRequested') });
    });
    await refresh();
  };

  return (
    <Page title={t('inpDetailTitle')} testId="admission-page">
      <QueryView query={admission}>
        {(a) => (
          <>
            <div className="balance-card" data-testid="admission-balance-card">
              <div className="small">
                {balanceLabel(a, t)} · {a.patientName}
              </div>
              <div className="big-money" data-testid="admission-balance" data-fen={a.balanceFen}>
                ¥{yuan(a.state === 'admitted' ? a.balanceFen : Math.abs(a.balanceFen))}
              </div>
              <div className="small">
                {t('inpDeposits')} ¥{yuan(a.depositsFen)} · {t('inpCharges')} ¥
                {yuan(a.totalCostFen ?? a.chargesFen)}
              </div>
            </div>
            {a.state === 'admitted' && a.balanceFen < 0 ? (
              <NoticeBar color="alert" content={t('inpBalanceLow')} />
            ) : null}
            <List className="card" data-testid="admission-profile">
              <List.Item extra={a.admissionNo}>{t('inpAdmissionNo')}</List.Item>
              <List.Item extra={<span data-testid="admission-ward">{a.ward}</span>}>{t('inpWard')}</List.Item>
              <List.Item extra={<span data-testid="admission-bed">{a.bed ?? '-'}</span>}>
                {t('inpBed')}
              </List.Item>
              {a.attendingDoctor ? <List.Item extra={a.attendingDoctor}>{t('inpDoctor')}</List.Item> : null}
              <List.Item extra={dateTime(a.admittedAt)}>{t('inpAdmittedAt')}</List.Item>
              {a.dischargedAt ? (
                <List.Item extra={dateTime(a.dischargedAt)}>{t('inpDischargedAt')}</List.Item>
              ) : null}
              <List.Item
                description={
                  <span data-testid="admission-diagnoses">
                    {a.diagnoses.map((d) => d.name).join('；') || '-'}
                  </span>
                }
              >
                {t('inpDiagnoses')}
              </List.Item>
              <List.Item
                description={
                  <span data-testid="admission-operations">
                    {a.operations
                      .map((o) =>
                        o.performedAt ? `${o.name}（${isoDate(new Date(o.performedAt))}）` : o.name,
                      )
                      .join('；') || '-'}
                  </span>
                }
              >
                {t('inpOperations')}
              </List.Item>
              <List.Item
                arrow
                onClick={() => navigate(`/inpatient/${a.id}/daily`)}
                data-testid="admission-daily-link"
              >
                {t('inpDailyList')}
              </List.Item>
            </List>

            {a.state === 'admitted' ? (
              <div className="card padded" data-testid="deposit-form">
                <div className="strong">{t('depositTopUp')}</div>
                <div className="amount-chips">
                  {QUICK_AMOUNTS.map((f) => (
                    <Button
                      key={f}
                      size="small"
                      color={amount === String(f / 100) ? 'primary' : 'default'}
                      onClick={() => setAmount(String(f / 100))}
                      data-testid="deposit-quick"
                    >
                      ¥{f / 100}
                    </Button>
                  ))}
                </div>
                <TextInput
                  value={amount}
                  onChange={(v) => setAmount(v.replace(/[^\d.]/g, ''))}
                  inputMode="numeric"
                  placeholder={t('depositAmountHint')}
                  testId="deposit-amount"
                />
                <Button
                  block
                  color="primary"
                  style={{ marginTop: 10 }}
                  loading={busy === 'deposit'}
                  disabled={!amount}
                  onClick={topUp}
                  data-testid="deposit-submit"
                >
                  {t('depositPay')}
                </Button>
              </div>
            ) : null}

            {discharged ? (
              <QueryView query={settlement}>
                {(s) => (
                  <div className="card padded" data-testid="settlement" data-state={s.settlementState}>
                    <div className="bill-head">
                      <span className="strong">{t('settlementTitle')}</span>
                      <Tag data-testid="settlement-state">
                        {code(dischargeSettlementStateLabels, s.settlementState)}
                      </Tag>
                    </div>
                    <div className="small">
                      {t('inpDeposits')} ¥{yuan(s.depositsFen)} · {t('inpCharges')} ¥{yuan(s.chargesFen)}
                    </div>
                    {s.dueFen > 0 ? (
                      <Button
                        block
                        color="primary"
                        style={{ marginTop: 10 }}
                        loading={busy === 'settle-pay'}
                        onClick={payRemainder}
                        data-testid="settlement-pay"
                      >
                        {t('settlementPay', { amount: yuan(s.dueFen) })}
                      </Button>
                    ) : null}
                    {s.refundableFen > 0 ? (
                      <Button
                        block
                        color="success"
                        style={{ marginTop: 10 }}
                        loading={busy === 'settle-refund'}
                        onClick={refundSurplus}
                        data-testid="settlement-refund"
                      >
                        {t('settlementRefundAmount', { amount: yuan(s.refundableFen) })}
                      </Button>
                    ) : null}
                    {s.refunds.length ? (
                      <div className="small muted" style={{ marginTop: 8 }} data-testid="settlement-refunds">
                        {s.refunds.map((r) => (
                          <div key={r.depositId}>
                            ¥{yuan(r.amountFen)} · {code(refundStateLabels, r.state)}
                          </div>
                        ))}
                      </div>
                    ) : null}
                  </div>
                )}
              </QueryView>
            ) : null}
            <ActionError error={error} testId="admission-error" />

            <div className="section-title padded-x">{t('depositHistory')}</div>
            <QueryView query={deposits} empty={(d) => d.items.length === 0} emptyText={t('depositEmpty')}>
              {(d) => (
                <List className="card" data-testid="deposit-list">
                  {d.items.map((x) => (
                    <List.Item
                      key={x.id}
                      data-testid="deposit-item"
                      data-state={x.state}
                      description={dateTime(x.paidAt ?? x.createdAt)}
                      extra={<span className="price">¥{yuan(x.amountFen)}</span>}
                    >
                      {code(depositStateLabels, x.state)}
                      {x.refundedFen > 0 ? (
                        <span className="small muted">
                          {' '}
                          · {t('depositRefunded', { amount: yuan(x.refundedFen) })}
                        </span>
                      ) : null}
                    </List.Item>
                  ))}
                </List>
              )}
            </QueryView>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** INP-05/06: the fees of one day, grouped by category. */
export function DailyListPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const admission = useQuery({ queryKey: ['admission', id], queryFn: () => inpatient.get(id) });
  // a discharged stay opens on its last day, a current one on today
  const lastDay = admission.data?.dischargedAt ? isoDate(new Date(admission.data.dischargedAt)) : null;
  const date = params.get('date') ?? lastDay ?? hospitalToday();
  const setDate = (d: string) => setParams({ date: d }, { replace: true });
  const list = useQuery({
    queryKey: ['admission', id, 'daily', date],
    queryFn: () => inpatient.dailyList(id, date),
  });
  return (
    <Page title={t('inpDailyList')} testId="daily-list-page">
      <div className="card padded date-nav">
        <Button size="small" onClick={() => setDate(addDays(date, -1))} data-testid="daily-prev">
          ‹ {t('dailyPrev')}
        </Button>
        <input
          className="text-input"
          type="date"
          value={date}
          onChange={(e) => e.target.value && setDate(e.target.value)}
          data-testid="daily-date"
          style={{ width: 150 }}
        />
        <Button size="small" onClick={() => setDate(addDays(date, 1))} data-testid="daily-next">
          {t('dailyNext')} ›
        </Button>
      </div>
      <QueryView query={list}>
        {(d) => (
          <>
            <div className="card padded">
              <div className="bill-head">
                <span>{t('dailyTotal')}</span>
                <span className="price big" data-testid="daily-total">
                  ¥{yuan(d.totalFen)}
                </span>
              </div>
              <div className="small muted">
                {t('inpCharges')} ¥{yuan(d.chargesToDateFen)} · {t('inpBalance')} ¥{yuan(d.balanceFen)}
              </div>
            </div>
            {d.items.length ? (
              d.categories.map((c) => (
                <List
                  key={c.category}
                  className="card"
                  header={
                    <span>
                      {c.category} <span className="muted">¥{yuan(c.amountFen)}</span>
                    </span>
                  }
                >
                  {d.items
                    .filter((i) => (i.category ?? '其他') === c.category)
                    .map((i) => (
                      <List.Item
                        key={i.lineId}
                        data-testid="daily-item"
                        description={`${i.quantity}${i.unit ?? ''}`}
                        extra={`¥${yuan(i.amountFen)}`}
                      >
                        {i.itemName}
                      </List.Item>
                    ))}
                </List>
              ))
            ) : (
              <ErrorBlock status="empty" title={t('dailyEmpty')} description="" />
            )}
          </>
        )}
      </QueryView>
    </Page>
  );
}
