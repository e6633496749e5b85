import { useInfiniteQuery } from '@tanstack/react-query';
import { paymentBusinessTypeLabels, paymentOrderStateLabels, refundStateLabels } from '@qingnang/contracts';
import { Button, Tabs, Tag } from 'antd-mobile';
import { useNavigate, useSearchParams } from 'react-router';
import { myPayments, type MyPayment, type MyPaymentFilter } from '../api';
import { Page, QueryView } from '../components/common';
import { dateTime, yuan } from '../format';
import { useI18n, type MessageKey } from '../i18n';

const TABS: { key: MyPaymentFilter; label: MessageKey }[] = [
  { key: 'all', label: 'myPaymentsTabAll' },
  { key: 'unpaid', label: 'myPaymentsTabUnpaid' },
  { key: 'paid', label: 'myPaymentsTabPaid' },
  { key: 'refunded', label: 'myPaymentsTabRefunded' },
  { key: 'closed', label: 'myPaymentsTabClosed' },
];

const stateColor = (s: string) =>
  s === 'paid'
    ? 'success'
    : s === 'created' || s === 'paying'
      ? 'warning'
      : s === 'refunding' || s === 'partially_refunded' || s === 'refunded'
        ? 'primary'
        : 'default';

/** Where a payment's own business page is (the detail the patient knows it by). */
function detailPath(p: MyPayment): string | null {
  if (p.businessType === 'registration') return `/registrations/${encodeURIComponent(p.businessId)}`;
  if (p.businessType === 'bill') return `/bill-payments/${encodeURIComponent(p.businessId)}`;
  if (p.businessType === 'exam') return `/exam-bookings/${encodeURIComponent(p.businessId)}`;
  if (p.businessType === 'deposit' || p.businessType === 'inpatient-settlement') return '/inpatient';
  if (p.businessType === 'credit-settlement') return '/credit';
  return null;
}

/**
 * PAY-07 我的缴费 / 交易记录: every payment of the account (registration, bills, deposits, exams,
 * settlements) newest first, by state, with its refunds; more pages load by cursor.
 */
export function MyPaymentsPage() {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const raw = params.get('state');
  const state: MyPaymentFilter = TABS.some((x) => x.key === raw) ? (raw as MyPaymentFilter) : 'all';
  const list = useInfiniteQuery({
    queryKey: ['payments-mine', state],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => myPayments.list(state, pageParam),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Page title={t('myPaymentsTitle')} testId="my-payments-page">
      <Tabs activeKey={state} onChange={(k) => setParams({ state: k }, { replace: true })}>
        {TABS.map((x) => (
          <Tabs.Tab key={x.key} title={<span data-testid={`my-payments-tab-${x.key}`}>{t(x.label)}</span>} />
        ))}
      </Tabs>
      <QueryView query={list} empty={() => items.length === 0} emptyText={t('myPaymentsEmpty')}>
        {() => (
          <div data-testid="my-payments-list" data-state={state}>
            {items.map((p) => {
              const path = detailPath(p);
              const unpaid = p.state === 'created' || p.state === 'paying';
              return (
                <div
                  key={p.orderId}
                  className="card padded"
                  data-testid="my-payment-item"
                  data-id={p.orderId}
                  data-order-no={p.orderNo}
                  data-state={p.state}
                  data-business={p.businessType}
                  onClick={() => path && navigate(path)}
                >
                  <div className="bill-head">
                    <span className="strong" data-testid="my-payment-business">
                      {code(paymentBusinessTypeLabels, p.businessType)}
                    </span>
                    <span className="price" data-testid="my-payment-amount">
                      ¥{yuan(p.amountFen)}
                    </span>
                  </div>
                  {p.subject && <div className="small">{p.subject}</div>}
                  <div className="small muted">
                    {dateTime(p.paidAt ?? p.createdAt)} · {p.orderNo}
                  </div>
                  <div style={{ marginTop: 6, display: 'flex', gap: 8, alignItems: 'center' }}>
                    <Tag color={stateColor(p.state)} fill="outline" data-testid="my-payment-state">
                      {code(paymentOrderStateLabels, p.state)}
                    </Tag>
                    {p.refundedFen > 0 && (
                      <span className="small muted" data-testid="my-payment-refunded">
                        {t('myPaymentsRefunded', { amount: yuan(p.refundedFen) })}
                      </span>
                    )}
                    {unpaid && (
                      <Button
                        size="mini"
                        color="primary"
                        data-testid="my-payment-pay"
                        onClick={(e) => {
                          e.stopPropagation();
                          navigate(`/cashier/${encodeURIComponent(p.orderNo)}`);
                        }}
                      >
                        {t('myPaymentsPay')}
                      </Button>
                    )}
                  </div>
                  {p.refunds.map((r) => (
                    <div key={r.refundNo} className="small muted" data-testid="my-payment-refund">
                      {t('myPaymentsRefund', { no: r.refundNo, amount: yuan(r.amountFen) })} ·{' '}
                      {code(refundStateLabels, r.state)} · {dateTime(r.createdAt)}
                    </div>
                  ))}
                </div>
              );
            })}
            <div style={{ textAlign: 'center', margin: '12px 0' }}>
              {list.hasNextPage ? (
                <Button
                  size="small"
                  loading={list.isFetchingNextPage}
                  onClick={() => void list.fetchNextPage()}
                  data-testid="my-payments-more"
                >
                  {t('myPaymentsMore')}
                </Button>
              ) : (
                <span className="small muted" data-testid="my-payments-end">
                  {t('myPaymentsEnd')}
                </span>
              )}
            </div>
          </div>
        )}
      </QueryView>
    </Page>
  );
}
