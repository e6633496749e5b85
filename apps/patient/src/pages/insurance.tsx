/**
 * Medical insurance (INS-01…16): activate the insurance e-credential, show its QR code, bind the
 * social-security card, see the personal account balance and spending; pay bills with insurance
 * (pre-settlement split into pooled fund, personal account and cash, the cash part through the
 * cashier), cancel or refund a settlement, and settle bills already paid in cash (二次结算).
 */
import { insuranceSettlementStateLabels, secondaryIneligibilityLabels } from '@qingnang/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Dialog, ErrorBlock, List, NoticeBar, Switch, Tag, Toast } from 'antd-mobile';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, insurance, patients, type InsuranceSettlement, type Patient } from '../api';
import { insuranceTypeLabels } from '@qingnang/contracts';
import { errorText, Loading, Page, QueryView, TextInput } from '../components/common';
import { ForPatient, openCashier } from '../components/care';
import { ActionError, usePatientAction } from '../components/action';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';

const notActivated = (err: unknown) =>
  err instanceof ApiError && (err.code === 'INSURANCE_CREDENTIAL_NOT_FOUND' || err.status === 404);

/** The three parts of a settlement. */
function Split({ s }: { s: InsuranceSettlement }) {
  const { t } = useI18n();
  return (
    <List className="card" data-testid="ins-split">
      <List.Item extra={<span data-testid="ins-total">¥{yuan(s.totalFen)}</span>}>{t('insTotal')}</List.Item>
      <List.Item extra={<span data-testid="ins-fund">¥{yuan(s.fundFen)}</span>}>{t('insFund')}</List.Item>
      <List.Item extra={<span data-testid="ins-account">¥{yuan(s.accountFen)}</span>}>
        {t('insAccount')}
      </List.Item>
      <List.Item
        extra={
          <span className="price" data-testid="ins-cash">
            ¥{yuan(s.cashFen)}
          </span>
        }
      >
        {t('insCash')}
      </List.Item>
    </List>
  );
}

function StateTag({ s }: { s: InsuranceSettlement }) {
  const { t, code } = useI18n();
  const color =
    s.state === 'settled' ? 'success' : ['failed', 'expired'].includes(s.state) ? 'danger' : 'primary';
  return (
    <Tag color={color} data-testid="ins-settlement-state" data-state={s.state}>
      {code(insuranceSettlementStateLabels, s.state)}
    </Tag>
  );
}

/** INS-01…05, 13, 14: the insurance e-credential of the chosen family member. */
export function InsurancePage() {
  const { t } = useI18n();
  return (
    <Page title={t('insTitle')} testId="insurance-page">
      <ForPatient>{(p) => <Credential patient={p} />}</ForPatient>
    </Page>
  );
}

function Credential({ patient }: { patient: Patient }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { busy, error, run } = usePatientAction();
  const [cardNo, setCardNo] = useState('');
  const [qr, setQr] = useState<{ payload: string; expiresAt: string } | null>(null);
  const cred = useQuery({
    queryKey: ['insurance', 'credential', patient.id],
    queryFn: () => insurance.credential(patient.id),
    retry: false,
  });
  const active = cred.data?.state === 'active';
  const balance = useQuery({
    queryKey: ['insurance', 'balance', patient.id],
    queryFn: () => insurance.balance(patient.id),
    enabled: active,
  });
  const spending = useQuery({
    queryKey: ['insurance', 'consumption', patient.id],
    queryFn: () => insurance.consumption(patient.id),
    enabled: active,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['insurance'] });

  // In production the credential SDK's page returns the code; the sandbox issues one for the patient.
  const activate = () =>
    run('activate', async () => {
      const { authCode } = await insurance.sandboxAuthCode(patient.id);
      await insurance.authorise(patient.id, authCode);
      Toast.show({ icon: 'success', content: t('insActivated') });
      await refresh();
    });
  const showQr = () => run('qr', async () => setQr(await insurance.qr(patient.id)));
  const bindCard = () =>
    run('card', async () => {
      await insurance.bindSocialCard(patient.id, cardNo.trim());
      setCardNo('');
      Toast.show({ icon: 'success', content: t('insCardBound') });
      await refresh();
    });

  if (cred.isPending) return <Loading />;
  const missing = cred.isError && notActivated(cred.error);
  return (
    <>
      {missing || cred.data?.state === 'expired' ? (
        <div className="card padded center" data-testid="ins-not-activated">
          <div className="strong">{missing ? t('insNotActivated') : t('insExpired')}</div>
          <div className="small muted" style={{ margin: '6px 0 10px' }}>
            {t('insActivateHint')}
          </div>
          <Button color="primary" loading={busy === 'activate'} onClick={activate} data-testid="ins-activate">
            {t('insActivate')}
          </Button>
        </div>
      ) : null}
      {cred.isError && !missing ? (
        <ErrorBlock status="default" title={t('loadFailed')} description={errorText(cred.error)} />
      ) : null}
      {cred.data ? (
        <>
          <div className="balance-card" data-testid="ins-credential" data-state={cred.data.state}>
            <div className="small">
              {t('insCredential')} · {cred.data.areaName}
            </div>
            <div className="strong" style={{ fontSize: 18, margin: '4px 0' }}>
              {cred.data.holderName} · <span data-testid="ins-insured-no">{cred.data.insuredNo}</span>
            </div>
            <div className="small">
              <span data-testid="ins-type" data-type={cred.data.insuranceType}>
                {code(insuranceTypeLabels, cred.data.insuranceType)}
              </span>{' '}
              · {t('insAccountBalance')}{' '}
              <span className="strong" data-testid="ins-balance">
                {balance.data ? `¥${yuan(balance.data.balanceFen)}` : '…'}
              </span>
            </div>
          </div>
          {active ? (
            <div className="padded stack">
              <Button
                block
                color="primary"
                loading={busy === 'qr'}
                onClick={showQr}
                data-testid="ins-show-qr"
              >
                {t('insShowQr')}
              </Button>
              {qr ? (
                <div className="card padded center" data-testid="ins-qr">
                  <QRCodeSVG value={qr.payload} size={180} level="M" />
                  <div className="small muted">{t('insQrExpires', { time: dateTime(qr.expiresAt) })}</div>
                </div>
              ) : null}
              <Button
                block
                fill="outline"
                onClick={() => navigate(`/insurance/pay?patient=${patient.id}`)}
                data-testid="ins-go-pay"
              >
                {t('insPayBills')}
              </Button>
              <Button
                block
                fill="outline"
                onClick={() => navigate(`/insurance/secondary?patient=${patient.id}`)}
                data-testid="ins-go-secondary"
              >
                {t('insSecondary')}
              </Button>
              <Button
                block
                fill="outline"
                onClick={() => navigate('/insurance/settlements')}
                data-testid="ins-go-settlements"
              >
                {t('insSettlements')}
              </Button>
            </div>
          ) : null}
          <div className="card padded" data-testid="ins-social-card">
            <div className="strong">{t('insSocialCard')}</div>
            {cred.data.socialCardNo ? (
              <div data-testid="ins-social-card-no">{cred.data.socialCardNo}</div>
            ) : (
              <div className="scan-row" style={{ marginTop: 8 }}>
                <TextInput
                  value={cardNo}
                  onChange={setCardNo}
                  placeholder={t('insSocialCardNo')}
                  testId="ins-card-no"
                />
                <Button
                  size="small"
                  color="primary"
                  disabled={!cardNo.trim() || !active}
                  loading={busy === 'card'}
                  onClick={bindCard}
                  data-testid="ins-bind-card"
                >
                  {t('inpBind')}
                </Button>
              </div>
            )}
          </div>
          {spending.data?.length ? (
            <List className="card" header={t('insSpending')} data-testid="ins-spending">
              {spending.data.map((r) => (
                <List.Item
                  key={`${r.settlementNo}-${r.at}`}
                  description={`${dateTime(r.at)} · ${r.institution}`}
                  extra={`${t('insFund')} ¥${yuan(r.fundFen)} / ${t('insAccount')} ¥${yuan(r.accountFen)}`}
                >
                  {r.kind}
                </List.Item>
              ))}
            </List>
          ) : null}
        </>
      ) : null}
      <ActionError error={error} testId="ins-error" />
    </>
  );
}

/** INS-06…08: pay pending bills with insurance. */
export function InsurancePayPage() {
  const { t } = useI18n();
  return (
    <Page title={t('insPayTitle')} testId="insurance-pay-page">
      <ForPatient>{(p) => <InsurancePay patient={p} />}</ForPatient>
    </Page>
  );
}

function InsurancePay({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string[]>([]);
  const [useAccount, setUseAccount] = useState(true);
  const [pre, setPre] = useState<InsuranceSettlement | null>(null);
  const { busy, error, run } = usePatientAction();
  const list = useQuery({
    queryKey: ['insurance', 'bills', patient.id],
    queryFn: () => insurance.bills(patient.id),
  });

  const preSettle = () =>
    run('pre', async () =>
      setPre(await insurance.preSettle({ patientId: patient.id, billIds: selected, useAccount })),
    );
  const settle = (s: InsuranceSettlement) =>
    run('settle', async () => {
      try {
        const done = await insurance.settle(s.id);
        if (done.state === 'cash_pending' && done.cashOrderId && done.cashOrderNo)
          await openCashier(
            navigate,
            { orderId: done.cashOrderId, orderNo: done.cashOrderNo },
            `/insurance/settlements/${done.id}`,
          );
        else navigate(`/insurance/settlements/${done.id}`);
      } catch (err) {
        setPre(null); // refused: the patient asks for a fresh pre-settlement
        throw err;
      }
    });

  return (
    <QueryView query={list}>
      {(data) => (
        <>
          {!data.authorised ? (
            <NoticeBar
              color="alert"
              wrap
              content={
                <span data-testid="ins-pay-not-authorised">
                  {t('insNotActivated')}{' '}
                  <a onClick={() => navigate(`/insurance?patient=${patient.id}`)}>{t('insActivate')} ›</a>
                </span>
              }
            />
          ) : null}
          {data.items.length === 0 ? (
            <ErrorBlock status="empty" title={t('billsEmpty')} description="" />
          ) : (
            <div data-testid="ins-bill-list">
              {data.items.map((b) => (
                <div
                  key={b.id}
                  className="card bill-card"
                  data-testid="ins-bill"
                  data-id={b.id}
                  data-bill-no={b.billNo}
                >
                  <div className="bill-head">
                    <Checkbox
                      checked={selected.includes(b.id)}
                      onChange={(on) => {
                        setPre(null);
                        setSelected((s) => (on ? [...new Set([...s, b.id])] : s.filter((x) => x !== b.id)));
                      }}
                      data-testid="ins-bill-select"
                    />
                    <div style={{ flex: 1 }}>
                      <div className="strong">{b.title}</div>
                      <div className="small muted">
                        {b.billNo} · {b.execDepartment}
                      </div>
                    </div>
                    <span className="price">¥{yuan(b.amountFen)}</span>
                  </div>
                </div>
              ))}
            </div>
          )}
          <List className="card">
            <List.Item
              extra={
                <Switch
                  checked={useAccount}
                  onChange={(v) => {
                    setPre(null);
                    setUseAccount(v);
                  }}
                  data-testid="ins-use-account"
                />
              }
              description={t('insUseAccountHint')}
            >
              {t('insUseAccount')}
            </List.Item>
          </List>
          {pre ? (
            <>
              <div className="small muted padded-x">
                {t('insPreValid', { time: dateTime(pre.preExpiresAt) })}
              </div>
              <Split s={pre} />
            </>
          ) : null}
          <ActionError error={error} testId="ins-pay-error" />
          <div className="padded stack">
            {pre ? (
              <Button
                block
                color="primary"
                size="large"
                loading={busy === 'settle'}
                onClick={() => settle(pre)}
                data-testid="ins-settle"
              >
                {pre.cashFen > 0 ? t('insSettleAndPay', { amount: yuan(pre.cashFen) }) : t('insSettle')}
              </Button>
            ) : (
              <Button
                block
                color="primary"
                size="large"
                disabled={!selected.length || !data.authorised}
                loading={busy === 'pre'}
                onClick={preSettle}
                data-testid="ins-pre-settle"
              >
                {t('insPreSettle')}
              </Button>
            )}
          </div>
        </>
      )}
    </QueryView>
  );
}

/** My insurance settlements. */
export function InsuranceSettlementsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['insurance', 'settlements'], queryFn: insurance.settlements });
  const people = useQuery({ queryKey: ['patients', 'list'], queryFn: patients.list });
  const nameOf = (id: string) => people.data?.find((p) => p.id === id)?.name ?? '';
  return (
    <Page title={t('insSettlements')} testId="ins-settlements-page">
      <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('insNoSettlements')}>
        {(rows) => (
          <div data-testid="ins-settlement-list">
            {rows.map((s) => (
              <div
                key={s.id}
                className="card padded"
                data-testid="ins-settlement-item"
                data-id={s.id}
                onClick={() => navigate(`/insurance/settlements/${s.id}`)}
              >
                <div className="bill-head">
                  <span className="strong">
                    {nameOf(s.patientId)} · ¥{yuan(s.totalFen)}
                  </span>
                  <StateTag s={s} />
                </div>
                <div className="small muted">
                  {s.settlementNo} · {dateTime(s.settledAt ?? s.createdAt)}
                </div>
              </div>
            ))}
          </div>
        )}
      </QueryView>
    </Page>
  );
}

/** INS-08…12: one settlement: its parts, paying the cash part, cancelling, refunding. */
export function InsuranceSettlementPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const s = useQuery({
    queryKey: ['insurance', 'settlement', id],
    queryFn: () => insurance.settlement(id),
    // the cash payment's notification and the reversals arrive asynchronously
    refetchInterval: (q) =>
      ['settling', 'cash_pending', 'reversing', 'refunding'].includes(q.state.data?.state ?? '')
        ? 2000
        : false,
  });
  const {
    busy,
    error,
    run: act,
  } = usePatientAction({ after: () => queryClient.invalidateQueries({ queryKey: ['insurance'] }) });
  const confirmThen = async (text: string, name: string, f: () => Promise<unknown>) => {
    const ok = await Dialog.confirm({
      content: text,
      confirmText: <span data-testid={`ins-${name}-confirm`}>{t('confirm')}</span>,
      cancelText: t('cancel'),
    });
    if (ok) await act(name, f);
  };
  return (
    <Page title={t('insSettlementTitle')} testId="ins-settlement-page">
      <QueryView query={s}>
        {(x) => (
          <>
            <div className="card padded">
              <div className="bill-head">
                <span className="strong">{x.settlementNo}</span>
                <StateTag s={x} />
              </div>
              <div className="small muted">{dateTime(x.settledAt ?? x.createdAt)}</div>
            </div>
            {x.state === 'cash_pending' ? (
              <NoticeBar color="alert" wrap content={t('insCashPendingNote')} />
            ) : null}
            {['reversed', 'failed'].includes(x.state) ? (
              <NoticeBar color="info" wrap content={t('insReversedNote')} />
            ) : null}
            <Split s={x} />
            {x.bills?.length ? (
              <List className="card" header={t('insBills')}>
                {x.bills.map((b) => (
                  <List.Item
                    key={b.billId}
                    description={`${t('insFund')} ¥${yuan(b.fundFen)} · ${t('insAccount')} ¥${yuan(b.accountFen)} · ${t('insCash')} ¥${yuan(b.cashFen)}`}
                    extra={`¥${yuan(b.totalFen)}`}
                  >
                    {b.billNo}
                  </List.Item>
                ))}
              </List>
            ) : null}
            {error ? (
              <div
                className="card padded"
                role="alert"
                data-testid="ins-settlement-error"
                data-code={error.code}
              >
                {error.code === 'GO_TO_COUNTER' ? (
                  <div className="strong danger-text">{t('billGoToCounter')}</div>
                ) : null}
                <div className="small">{error.text}</div>
              </div>
            ) : null}
            <div className="padded stack">
              {x.state === 'cash_pending' && x.cashOrderId && x.cashOrderNo && x.cashOrderState !== 'paid' ? (
                <Button
                  block
                  color="primary"
                  loading={busy === 'pay'}
                  onClick={() =>
                    act('pay', () =>
                      openCashier(
                        navigate,
                        { orderId: x.cashOrderId!, orderNo: x.cashOrderNo! },
                        `/insurance/settlements/${x.id}`,
                      ),
                    )
                  }
                  data-testid="ins-pay-cash"
                >
                  {t('insPayCash', { amount: yuan(x.cashFen) })}
                </Button>
              ) : null}
              {x.state === 'cash_pending' ? (
                <Button
                  block
                  fill="outline"
                  loading={busy === 'cancel'}
                  onClick={() => confirmThen(t('insCancelConfirm'), 'cancel', () => insurance.cancel(x.id))}
                  data-testid="ins-cancel"
                >
                  {t('insCancel')}
                </Button>
              ) : null}
              {x.state === 'settled' ? (
                <Button
                  block
                  color="danger"
                  fill="outline"
                  loading={busy === 'refund'}
                  onClick={() => confirmThen(t('insRefundConfirm'), 'refund', () => insurance.refund(x.id))}
                  data-testid="ins-refund"
                >
                  {t('insRefund')}
                </Button>
              ) : null}
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** INS-15: bills already paid in cash on the phone, settled with insurance afterwards. */
export function SecondarySettlementPage() {
  const { t } = useI18n();
  return (
    <Page title={t('insSecondary')} testId="ins-secondary-page">
      <ForPatient>{(p) => <Secondary patient={p} />}</ForPatient>
    </Page>
  );
}

function Secondary({ patient }: { patient: Patient }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<string[]>([]);
  const { busy, error, run } = usePatientAction();
  const list = useQuery({
    queryKey: ['insurance', 'secondary', patient.id],
    queryFn: () => insurance.secondaryBills(patient.id),
  });
  const submit = () =>
    run('submit', async () => {
      const s = await insurance.secondarySettle({
        patientId: patient.id,
        billIds: selected,
        useAccount: true,
      });
      navigate(`/insurance/settlements/${s.id}`);
    });
  return (
    <QueryView query={list}>
      {(data) => (
        <>
          <NoticeBar color="info" wrap content={t('insSecondaryHint')} />
          {!data.insured ? <NoticeBar color="alert" content={t('insNotActivated')} /> : null}
          {data.items.length === 0 ? (
            <ErrorBlock status="empty" title={t('insNoSecondary')} description="" />
          ) : (
            <div data-testid="ins-secondary-list">
              {data.items.map((b) => (
                <div
                  key={b.id}
                  className="card bill-card"
                  data-testid="ins-secondary-bill"
                  data-eligible={b.eligible ? 'true' : 'false'}
                >
                  <div className="bill-head">
                    <Checkbox
                      disabled={!b.eligible}
                      checked={selected.includes(b.id)}
                      onChange={(on) =>
                        setSelected((s) => (on ? [...new Set([...s, b.id])] : s.filter((x) => x !== b.id)))
                      }
                    />
                    <div style={{ flex: 1 }}>
                      <div className="strong">{b.title}</div>
                      <div className="small muted">
                        {b.billNo} · {dateTime(b.paidAt)}
                      </div>
                      {!b.eligible && b.reason ? (
                        <div className="small danger-text" data-testid="ins-secondary-reason">
                          {code(secondaryIneligibilityLabels, b.reason)}
                        </div>
                      ) : null}
                    </div>
                    <span className="price">¥{yuan(b.amountFen)}</span>
                  </div>
                </div>
              ))}
            </div>
          )}
          <ActionError error={error} testId="ins-secondary-error" />
          <div className="padded">
            <Button
              block
              color="primary"
              disabled={!selected.length || !data.insured}
              loading={busy === 'submit'}
              onClick={submit}
              data-testid="ins-secondary-submit"
            >
              {t('insSecondarySubmit')}
            </Button>
          </div>
        </>
      )}
    </QueryView>
  );
}
