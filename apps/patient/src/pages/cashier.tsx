import { useState } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { Button, List, NoticeBar, Result, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { channelTradeStateLabels, paymentOrderStateLabels } from '@qingnang/contracts';
import { payments } from '../api';
import { errorText, Page, QueryView, RequireLogin } from '../components/common';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';
import { cashierReturn } from './registrations';

type Outcome = 'success' | 'failure' | 'cancel';

/** Platform order states in which nothing is left to pay. */
const SETTLED = ['paid', 'closed', 'refunding', 'partially_refunded', 'refunded'];
/** Channel trade states in which the payer has nothing left to choose. */
const FINISHED_TRADES = ['SUCCESS', 'CLOSED', 'REVOKED', 'REFUND'];

/** The sandbox channel's cashier: the payer chooses the outcome, the channel notifies the platform. */
export function CashierPage() {
  return (
    <RequireLogin>
      <Cashier />
    </RequireLogin>
  );
}

function Cashier() {
  const { orderNo = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<Outcome | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [failed, setFailed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const order = useQuery({ queryKey: ['cashier', orderNo], queryFn: () => payments.sandboxOrder(orderNo) });

  const complete = async (outcome: Outcome) => {
    setError(null);
    setFailed(false);
    setBusy(outcome);
    try {
      const result = await payments.sandboxComplete(orderNo, outcome);
      const orderId = result?.orderId ?? order.data?.orderId;
      const channelState = result?.state;
      if (outcome === 'success' && channelState === 'SUCCESS') {
        // the platform books the payment when the channel's notification arrives: wait for it, so
        // the page the patient returns to already shows the booking paid
        setConfirming(true);
        const settled = orderId ? await waitUntilSettled(orderId) : false;
        await refreshEverything(queryClient);
        Toast.show({
          icon: 'success',
          content: (
            <span data-testid="cashier-toast">{t(settled ? 'cashierPaid' : 'cashierPaidConfirming')}</span>
          ),
        });
        navigate(await returnPath(orderNo, orderId), { replace: true });
      } else if (channelState === 'PAYERROR') {
        setFailed(true);
        Toast.show({ icon: 'fail', content: <span data-testid="cashier-toast">{t('cashierFailed')}</span> });
        await order.refetch();
      } else if (channelState === 'CLOSED') {
        Toast.show({ content: <span data-testid="cashier-toast">{t('cashierClosed')}</span> });
        await order.refetch();
      } else {
        // cancelled: nothing paid, the booking keeps waiting for payment until its deadline
        await refreshEverything(queryClient);
        Toast.show({ content: <span data-testid="cashier-toast">{t('cashierCancelled')}</span> });
        navigate(await returnPath(orderNo, orderId), { replace: true });
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  };

  return (
    <Page title={t('cashierTitle')} testId="cashier-page">
      <QueryView query={order}>
        {(o) => {
          const orderState = o.orderState;
          const finished =
            FINISHED_TRADES.includes(o.state) || (orderState ? SETTLED.includes(orderState) : false);
          const stateText = orderState
            ? code(paymentOrderStateLabels, orderState)
            : code(channelTradeStateLabels, o.state);
          return (
            <>
              <div className="cashier-amount card">
                <div className="muted small">{t('cashierAmount')}</div>
                <div className="cashier-money" data-testid="cashier-amount">
                  ¥{yuan(o.amountFen)}
                </div>
                <div className="small" data-testid="cashier-subject">
                  {o.subject}
                </div>
              </div>
              <List className="card">
                <List.Item extra={<span className="small">{o.orderNo}</span>}>
                  {t('cashierOrderNo')}
                </List.Item>
                <List.Item
                  extra={
                    <span data-testid="cashier-state" data-state={orderState ?? o.state}>
                      {stateText}
                    </span>
                  }
                >
                  {t('cashierState')}
                </List.Item>
                {o.expiresAt && !finished ? (
                  <List.Item extra={<span data-testid="cashier-deadline">{dateTime(o.expiresAt)}</span>}>
                    {t('cashierDeadline')}
                  </List.Item>
                ) : null}
              </List>
              {finished ? (
                <div className="card" data-testid="cashier-finished">
                  <Result
                    status={orderState === 'closed' || o.state === 'CLOSED' ? 'info' : 'success'}
                    title={t('cashierNothingToPay', { state: stateText })}
                  />
                  <div className="padded">
                    <Button
                      block
                      color="primary"
                      onClick={async () => navigate(await returnPath(orderNo, o.orderId), { replace: true })}
                      data-testid="cashier-back"
                    >
                      {t('cashierBackToOrder')}
                    </Button>
                  </div>
                </div>
              ) : (
                <>
                  <NoticeBar color="info" wrap content={t('cashierSandboxNote')} />
                  {failed ? (
                    <div className="form-error padded-x" role="alert" data-testid="cashier-failed">
                      {t('cashierFailedHint')}
                    </div>
                  ) : null}
                  {confirming ? (
                    <NoticeBar
                      color="alert"
                      wrap
                      content={t('cashierConfirming')}
                      data-testid="cashier-confirming"
                    />
                  ) : null}
                  {error ? (
                    <div className="form-error padded-x" role="alert" data-testid="cashier-error">
                      {error}
                    </div>
                  ) : null}
                  <div className="padded stack">
                    <Button
                      block
                      color="success"
                      size="large"
                      loading={busy === 'success'}
                      disabled={busy !== null}
                      onClick={() => complete('success')}
                      data-testid="cashier-success"
                    >
                      {t('cashierSuccess')}
                    </Button>
                    <Button
                      block
                      color="danger"
                      fill="outline"
                      loading={busy === 'failure'}
                      disabled={busy !== null}
                      onClick={() => complete('failure')}
                      data-testid="cashier-failure"
                    >
                      {t('cashierFailure')}
                    </Button>
                    <Button
                      block
                      fill="outline"
                      loading={busy === 'cancel'}
                      disabled={busy !== null}
                      onClick={() => complete('cancel')}
                      data-testid="cashier-cancel"
                    >
                      {t('cashierCancel')}
                    </Button>
                  </div>
                </>
              )}
            </>
          );
        }}
      </QueryView>
    </Page>
  );
}

/**
 * Asks the platform until the order has left created/paying (the channel's notification was
 * applied), for at most about 20 s; true when it settled.
 */
async function waitUntilSettled(orderId: string): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    try {
      const o = await payments.order(orderId);
      if (SETTLED.includes(o.state)) return true;
    } catch {
      // a transient failure: ask again
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * Every page read before paying (the booking, the balance, the lists) is out of date now: drop it,
 * so the page the patient returns to shows what the server says, never the old 待支付 first.
 */
async function refreshEverything(queryClient: QueryClient) {
  await queryClient.resetQueries({ predicate: (q) => q.queryKey[0] !== 'cashier' });
}

/** Back to the page that started the payment; else to the business object of the order. */
async function returnPath(orderNo: string, orderId?: string): Promise<string> {
  const remembered = cashierReturn(orderNo);
  if (remembered) return remembered;
  if (orderId) {
    try {
      const order = await payments.order(orderId);
      if (order.businessType === 'registration' && order.businessId)
        return `/registrations/${order.businessId}`;
      if (order.businessType === 'bill' && order.businessId) return `/bill-payments/${order.businessId}`;
      if (order.businessType === 'exam' && order.businessId) return `/exam-bookings/${order.businessId}`;
      if (order.businessType === 'insurance' && order.businessId)
        return `/insurance/settlements/${order.businessId}`;
      if (order.businessType === 'deposit' || order.businessType === 'inpatient-settlement')
        return '/inpatient';
      if (order.businessType === 'credit-settlement') return '/credit';
    } catch {
      // fall through to the list
    }
  }
  return '/my-payments';
}
