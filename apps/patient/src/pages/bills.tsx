/**
 * Outpatient payment (PAY-01…08): a family member's pending bills with their items, several paid
 * at once through the cashier, a prescription's QR code opening its bill, the receipt with where to
 * go next, my payments, and online refunds (or the reason to go to the counter).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Dialog, ErrorBlock, NoticeBar, Tag, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import {
  billKindLabels,
  billPaymentStateLabels,
  billStateLabels,
  counterRefundReasonLabels,
} from '@qingnang/contracts';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  bills,
  credit,
  einvoices,
  newIdempotencyKey,
  type Bill,
  type BillPayment,
  type Patient,
} from '../api';
import { errorText, Page, QueryView, TextInput } from '../components/common';
import { ForPatient, openCashier } from '../components/care';
import { ActionError, usePatientAction } from '../components/action';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';

function billStateColor(state: string): 'warning' | 'success' | 'primary' | 'default' {
  if (state === 'pending') return 'warning';
  if (state === 'confirmed') return 'success';
  if (state === 'paid') return 'primary';
  return 'default';
}

export function BillStateTag({ bill }: { bill: Bill }) {
  const { t, code } = useI18n();
  return (
    <Tag color={billStateColor(bill.state)} data-testid="bill-state" data-state={bill.state}>
      {bill.inPayment ? t('billInPayment') : code(billStateLabels, bill.state)}
    </Tag>
  );
}

/** One bill: title, where it is executed, its items. */
function BillCard(props: {
  bill: Bill;
  selectable?: boolean;
  checked?: boolean;
  onCheck?: (checked: boolean) => void;
  highlight?: boolean;
}) {
  const { t, code } = useI18n();
  const b = props.bill;
  return (
    <div
      className="card bill-card"
      data-testid="bill-item"
      data-id={b.id}
      data-bill-no={b.billNo}
      style={props.highlight ? { boxShadow: '0 0 0 2px #1677ff inset' } : undefined}
    >
      <div className="bill-head">
        {props.selectable ? (
          <Checkbox
            checked={props.checked}
            disabled={b.inPayment}
            onChange={(v) => props.onCheck?.(v)}
            data-testid="bill-select"
          />
        ) : null}
        <div style={{ flex: 1, minWidth: 0 }}>
          <div className="strong">
            {b.title} <span className="small muted">{code(billKindLabels, b.kind)}</span>
          </div>
          <div className="small muted bill-meta">
            <span>{b.billNo}</span>
            {b.departmentName ? <span className="nowrap"> · {b.departmentName}</span> : null}
            {b.doctorName ? (
              <span className="nowrap" data-testid="bill-doctor">
                {' '}
                · {b.doctorName}
              </span>
            ) : null}
          </div>
        </div>
        <div style={{ textAlign: 'right', flexShrink: 0 }}>
          <div className="price" data-testid="bill-amount">
            ¥{yuan(b.amountFen)}
          </div>
          <BillStateTag bill={b} />
        </div>
      </div>
      <div className="small muted" style={{ marginTop: 4 }}>
        {t('billExecAt')}
        {t('colon')}
        {b.execDepartment}（{b.execLocation}）
      </div>
      <div className="bill-items" data-testid="bill-items">
        {b.items.map((i, n) => (
          <div className="bill-item-row" key={`${i.code}-${n}`}>
            <span>
              {i.name}
              {i.spec ? ` ${i.spec}` : ''} × {i.quantity}
              {i.unit ?? ''}
            </span>
            <span>¥{yuan(i.amountFen)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

/** PAY-01…05: pending bills of the chosen family member; scan a prescription's code. */
export function BillsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('billsTitle')} testId="bills-page">
      <MyPaymentsLink />
      <ForPatient>{(p) => <PendingBills patient={p} />}</ForPatient>
    </Page>
  );
}

function MyPaymentsLink() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <div className="padded-x small" style={{ paddingTop: 8, textAlign: 'right' }}>
      <a data-testid="bills-my-payments" onClick={() => navigate('/my-payments')}>
        {t('billMyPayments')} ›
      </a>
    </div>
  );
}

function PendingBills({ patient }: { patient: Patient }) {
  const { t, code: label } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  // a bill found by its code for another family member arrives as ?bill=<id>
  const [selected, setSelected] = useState<string[]>(() => (params.get('bill') ? [params.get('bill')!] : []));
  const { busy, error, run } = usePatientAction();
  const [code, setCode] = useState(params.get('code') ?? '');
  const [scanError, setScanError] = useState<string | null>(null);
  const [scanned, setScanned] = useState<Bill | null>(null);
  // one key per selection: a double tap or a retry reuses the same payment
  const keyRef = useRef<{ sel: string; key: string } | null>(null);
  const list = useQuery({
    queryKey: ['bills', patient.id, 'pending'],
    queryFn: () => bills.list(patient.id, 'pending'),
  });
  // PAY-13: a patient with credit care may pay now and settle later
  const creditAccount = useQuery({
    queryKey: ['credit', patient.id],
    queryFn: () => credit.get(patient.id),
    retry: false,
  });
  const items = list.data ?? [];
  const chosen = items.filter((b) => selected.includes(b.id) && !b.inPayment);
  const total = chosen.reduce((s, b) => s + b.amountFen, 0);

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => (on ? [...new Set([...s, id])] : s.filter((x) => x !== id)));

  const scan = async () => {
    setScanError(null);
    setScanned(null);
    if (!code.trim()) return;
    try {
      const b = await bills.scan(code.trim());
      if (b.patientId && b.patientId !== patient.id) {
        // another family member's bill: switch to them; the found bill travels in the address
        const next = new URLSearchParams(params);
        next.set('patient', b.patientId);
        next.set('bill', b.id);
        setParams(next, { replace: true });
        return;
      }
      if (b.state === 'pending' && !b.inPayment) setSelected([b.id]);
      setScanned(b);
    } catch (err) {
      setScanError(errorText(err));
    }
  };

  const pay = async (onCredit = false) => {
    if (!chosen.length) return;
    const billIds = chosen.map((b) => b.id).sort();
    const sel = `${patient.id}:${billIds.join(',')}`;
    if (keyRef.current?.sel !== sel) keyRef.current = { sel, key: `bills-${newIdempotencyKey()}` };
    const idempotencyKey = keyRef.current.key;
    await run('pay', async () => {
      const started = await bills.startPayment({ patientId: patient.id, billIds, idempotencyKey });
      await queryClient.invalidateQueries({ queryKey: ['bills'] });
      if (onCredit) {
        await credit.payOrder(patient.id, started.orderId);
        await queryClient.invalidateQueries({ queryKey: ['credit', patient.id] });
        navigate(`/bill-payments/${started.id}`);
      } else await openCashier(navigate, started, `/bill-payments/${started.id}`);
    });
  };

  return (
    <>
      <div className="card padded">
        <div className="small muted" style={{ marginBottom: 6 }}>
          {t('billScanHint')}
        </div>
        <div className="scan-row">
          <TextInput
            value={code}
            onChange={setCode}
            placeholder={t('billScanPlaceholder')}
            testId="bill-scan-input"
            onEnter={scan}
          />
          <Button size="small" color="primary" onClick={scan} data-testid="bill-scan-submit">
            {t('billScan')}
          </Button>
        </div>
        {scanError ? (
          <div className="form-error" role="alert" data-testid="bill-scan-error">
            {scanError}
          </div>
        ) : null}
        {scanned && scanned.state !== 'pending' ? (
          <div className="small" data-testid="bill-scan-result" data-state={scanned.state}>
            {scanned.title} · {label(billStateLabels, scanned.state)}
          </div>
        ) : null}
      </div>
      <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('billsEmpty')}>
        {(rows) => (
          <div data-testid="bill-list">
            {rows.map((b) => (
              <BillCard
                key={b.id}
                bill={b}
                selectable
                checked={selected.includes(b.id)}
                onCheck={(on) => toggle(b.id, on)}
                highlight={scanned?.id === b.id || params.get('bill') === b.id}
              />
            ))}
          </div>
        )}
      </QueryView>
      <ActionError error={error} testId="bills-error" />
      {items.length ? (
        <div className="page-footer pay-bar">
          <span>
            {t('billSelected', { n: chosen.length })}{' '}
            <span className="price big" data-testid="bills-total">
              ¥{yuan(total)}
            </span>
          </span>
          {creditAccount.data?.state === 'active' && creditAccount.data.availableFen >= total ? (
            <Button
              color="success"
              fill="outline"
              disabled={!chosen.length}
              loading={busy === 'pay'}
              onClick={() => pay(true)}
              data-testid="bills-pay-credit"
            >
              {t('billPayCredit')}
            </Button>
          ) : null}
          <Button
            color="primary"
            disabled={!chosen.length}
            loading={busy === 'pay'}
            onClick={() => pay(false)}
            data-testid="bills-pay"
          >
            {t('billPay')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

/**
 * PAY-06/08, GUIDE-07: the receipt of one payment: each bill's HIS receipt number and where to go,
 * and an online refund of bills not yet executed (or the reason to go to the counter).
 */
export function BillPaymentPage() {
  const { id = '' } = useParams();
  const { t, l, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [refundIds, setRefundIds] = useState<string[]>([]);
  const payment = useQuery({
    queryKey: ['bill-payment', id],
    queryFn: () => bills.payment(id),
    refetchInterval: (q) => {
      const p = q.state.data;
      if (!p) return false;
      if (p.state === 'open') return 2000;
      if (p.state === 'paid' && (!p.writeBack || p.writeBack.state === 'pending')) return 2000;
      return false;
    },
  });
  const paidPatient = payment.data?.state === 'paid' ? payment.data.patientId : undefined;
  // PAY-10: the payment's e-invoice, once issued
  const invoices = useQuery({
    queryKey: ['einvoices', paidPatient],
    queryFn: () => einvoices.list(paidPatient ?? ''),
    enabled: Boolean(paidPatient),
    refetchInterval: (q) => {
      const found = q.state.data?.find((i) => i.orderNo === payment.data?.orderNo);
      // issued shortly after the HIS confirmed the payment; stop asking after about two minutes
      return (!found || found.status === 'issuing') && q.state.dataUpdateCount < 40 ? 3000 : false;
    },
  });
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: ['bill-payment', id] });
    await queryClient.invalidateQueries({ queryKey: ['bill-payments'] });
    await queryClient.invalidateQueries({ queryKey: ['bills'] });
  };
  const cashier = usePatientAction({ show: 'toast' });
  const refunding = usePatientAction({ after: refresh });
  const refundError = refunding.error;
  // why the platform sends this refund to the counter (the problem's details), if it said
  const refundReason = (refundError?.details as { reason?: string } | undefined)?.reason ?? undefined;

  const payAgain = async (p: BillPayment) => {
    if (!p.orderId || !p.orderNo) return;
    const order = { orderId: p.orderId, orderNo: p.orderNo };
    await cashier.run('pay', () => openCashier(navigate, order, `/bill-payments/${p.id}`));
  };

  const refund = async (p: BillPayment) => {
    if (!refundIds.length) return;
    const ok = await Dialog.confirm({
      content: <span data-testid="bill-refund-confirm-text">{t('billRefundConfirm')}</span>,
      confirmText: <span data-testid="bill-refund-confirm">{t('billRefund')}</span>,
      cancelText: t('cancel'),
    });
    if (!ok) return;
    await refunding.run('refund', async () => {
      await bills.refund(p.id, refundIds);
      Toast.show({ icon: 'success', content: t('billRefundRequested') });
      setRefundIds([]);
    });
  };

  return (
    <Page title={t('billReceiptTitle')} testId="bill-payment-page">
      <QueryView query={payment}>
        {(p) => {
          const confirmed = p.bills.filter((b) => b.paymentId === p.id && b.state === 'confirmed');
          const waiting = p.state === 'paid' && (!p.writeBack || p.writeBack.state === 'pending');
          const invoice = invoices.data?.find(
            (i) => i.kind === 'blue' && !!p.orderNo && i.orderNo === p.orderNo,
          );
          return (
            <>
              <div className="card padded center">
                <div
                  className="strong"
                  style={{ fontSize: 18 }}
                  data-testid="bill-payment-state"
                  data-state={p.state}
                >
                  {code(billPaymentStateLabels, p.state)}
                </div>
                <div className="price big" data-testid="bill-payment-amount">
                  ¥{yuan(p.amountFen)}
                </div>
                {p.paidAt ? <div className="small muted">{dateTime(p.paidAt)}</div> : null}
                {p.writeBack?.hisReceiptNo ? (
                  <div className="small" style={{ marginTop: 6 }}>
                    {t('billReceiptNo')}
                    {t('colon')}
                    <span className="strong" data-testid="bill-receipt-no">
                      {p.writeBack.hisReceiptNo}
                    </span>
                  </div>
                ) : null}
                {p.refundedFen > 0 ? (
                  <div className="small muted" data-testid="bill-payment-refunded">
                    {t('billRefunded', { amount: yuan(p.refundedFen) })}
                  </div>
                ) : null}
              </div>
              {waiting ? <NoticeBar color="info" content={t('billWaitingHis')} /> : null}
              {p.state === 'writeback_failed' ? (
                <NoticeBar color="alert" wrap content={t('billWritebackFailed')} />
              ) : null}
              {p.state === 'open' && p.orderId ? (
                <div className="padded">
                  <Button
                    block
                    color="primary"
                    loading={cashier.busy === 'pay'}
                    onClick={() => payAgain(p)}
                    data-testid="bill-payment-pay"
                  >
                    {t('billPay')} ¥{yuan(p.amountFen)}
                  </Button>
                </div>
              ) : null}
              <div data-testid="bill-receipt-bills">
                {p.bills.map((b) => (
                  <div key={b.id}>
                    <BillCard
                      bill={b}
                      selectable={confirmed.includes(b)}
                      checked={refundIds.includes(b.id)}
                      onCheck={(on) =>
                        setRefundIds((s) => (on ? [...new Set([...s, b.id])] : s.filter((x) => x !== b.id)))
                      }
                    />
                    {b.guidance ? (
                      <div
                        className="guidance"
                        style={{ margin: '-4px 12px 8px' }}
                        data-testid="bill-guidance"
                      >
                        {l(b.guidance)}
                      </div>
                    ) : null}
                    {b.hisReceiptNo ? (
                      <div className="small muted padded-x" data-testid="bill-his-receipt">
                        {t('billReceiptNo')}
                        {t('colon')}
                        {b.hisReceiptNo}
                      </div>
                    ) : null}
                  </div>
                ))}
              </div>
              {refundError ? (
                <div
                  className="card padded"
                  role="alert"
                  data-testid="bill-refund-error"
                  data-code={refundError.code}
                  data-reason={refundReason ?? ''}
                >
                  {refundError.code === 'GO_TO_COUNTER' ? (
                    <div className="strong danger-text">{t('billGoToCounter')}</div>
                  ) : null}
                  {refundReason && refundReason in counterRefundReasonLabels ? (
                    <div data-testid="bill-refund-reason">
                      {t('refundReason', { reason: code(counterRefundReasonLabels, refundReason) })}
                    </div>
                  ) : null}
                  <div className="small muted">{refundError.text}</div>
                </div>
              ) : null}
              {confirmed.length ? (
                <div className="padded stack">
                  <div className="small muted">{t('billRefundHint')}</div>
                  <Button
                    block
                    color="danger"
                    fill="outline"
                    disabled={!refundIds.length}
                    loading={refunding.busy === 'refund'}
                    onClick={() => refund(p)}
                    data-testid="bill-refund"
                  >
                    {t('billRefund')}
                  </Button>
                </div>
              ) : null}
              <div className="padded stack">
                {invoice ? (
                  <Button
                    block
                    color="primary"
                    fill="outline"
                    onClick={() => navigate(`/einvoices/${invoice.id}`)}
                    data-testid="bill-einvoice"
                  >
                    {t('billEInvoice')}
                  </Button>
                ) : null}
                <Button
                  block
                  fill="outline"
                  onClick={() => navigate('/bills')}
                  data-testid="bill-back-to-bills"
                >
                  {t('billBackToBills')}
                </Button>
              </div>
            </>
          );
        }}
      </QueryView>
    </Page>
  );
}

/** A bill opened from a link (e.g. a message): its details and state. */
export function BillPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const bill = useQuery({ queryKey: ['bill', id], queryFn: () => bills.get(id) });
  return (
    <Page title={t('billDetailTitle')} testId="bill-page">
      <QueryView query={bill}>
        {(b) => (b ? <BillCard bill={b} /> : <ErrorBlock status="empty" title={t('empty')} description="" />)}
      </QueryView>
    </Page>
  );
}
