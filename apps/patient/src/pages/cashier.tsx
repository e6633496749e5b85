import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, List, NoticeBar, Toast } from 'antd-mobile';
import { useNavigate, useParams } from 'react-router';
import { payments } from '../api';
import { errorText, Page, QueryView, RequireLogin } from '../components/common';
import { dateTime, yuan } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { cashierReturn } from './registrations';

type Outcome = 'success' | 'failure' | 'cancel';

/** The sandbox trade's states follow the channel's wording (WeChat Pay trade_state). */
const tradeStateKey: Record<string, MessageKey> = {
  NOTPAY: 'tradeNotPaid',
  USERPAYING: 'tradeNotPaid',
  SUCCESS: 'tradeSuccess',
  PAYERROR: 'tradeFailed',
  CLOSED: 'tradeClosed',
  REVOKED: 'tradeClosed',
  REFUND: 'tradeRefunded',
};

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
  const { t } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<Outcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const order = useQuery({ queryKey: ['cashier', orderNo], queryFn: () => payments.sandboxOrder(orderNo) });

  const complete = async (outcome: Outcome) => {
    setError(null);
    setBusy(outcome);
    try {
      const result = await payments.sandboxComplete(orderNo, outcome);
      Toast.show({ content: t('cashierDone') });
      navigate(await returnPath(orderNo, result?.orderId ?? order.data?.orderId), { replace: true });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page title={t('cashierTitle')} testId="cashier-page">
      <QueryView query={order}>
        {(o) => {
          const finished = ['SUCCESS', 'CLOSED', 'REVOKED', 'REFUND'].includes(o.state);
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
                <List.Item extra={<span data-testid="cashier-state">{o.state}</span>}>
                  {t('cashierState')}
                </List.Item>
                {o.expiresAt ? (
                  <List.Item extra={dateTime(o.expiresAt)}>
                    {t('regPayDeadline', { time: '' }).trim()}
                  </List.Item>
                ) : null}
              </List>
              <NoticeBar color="info" wrap content={t('cashierSandboxNote')} />
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
                  disabled={busy !== null || finished}
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
                  disabled={busy !== null || finished}
                  onClick={() => complete('failure')}
                  data-testid="cashier-failure"
                >
                  {t('cashierFailure')}
                </Button>
                <Button
                  block
                  fill="outline"
                  loading={busy === 'cancel'}
                  disabled={busy !== null || finished}
                  onClick={() => complete('cancel')}
                  data-testid="cashier-cancel"
                >
                  {t('cashierCancel')}
                </Button>
              </div>
            </>
          );
        }}
      </QueryView>
    </Page>
  );
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
    } catch {
      // fall through to the list
    }
  }
  return '/registrations';
}
