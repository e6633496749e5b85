/**
 * Credit care and frictionless payment (PAY-12…15): activate a credit limit, see what is owed and
 * when it is due, settle everything in one payment through the cashier, sign the withholding
 * agreement and switch frictionless payment on or off, close the account once settled.
 */
import { creditAccountStateLabels, creditChargeStateLabels } from '@qingnang/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, NoticeBar, Switch, Tag, Toast } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { ApiError, credit, type Patient } from '../api';
import { errorText, Loading, Page } from '../components/common';
import { ForPatient, openCashier } from '../components/care';
import { ActionError, usePatientAction } from '../components/action';
import { dateTime, isoDate, yuan } from '../format';
import { useI18n } from '../i18n';

export function CreditPage() {
  const { t } = useI18n();
  return (
    <Page title={t('creditTitle')} testId="credit-page">
      <ForPatient>{(p) => <CreditBody patient={p} />}</ForPatient>
    </Page>
  );
}

function CreditBody({ patient }: { patient: Patient }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { busy, error, run } = usePatientAction({
    after: () => queryClient.invalidateQueries({ queryKey: ['credit', patient.id] }),
  });
  const account = useQuery({
    queryKey: ['credit', patient.id],
    queryFn: () => credit.get(patient.id),
    retry: false,
    refetchInterval: (q) => (q.state.data?.openSettlement ? 3000 : false),
  });
  if (account.isPending) return <Loading />;
  const missing =
    account.isError && account.error instanceof ApiError && account.error.code === 'CREDIT_ACCOUNT_NOT_FOUND';
  const a = account.data;
  const errorBox = <ActionError error={error} testId="credit-error" />;

  if (!a || a.state === 'closed')
    return (
      <>
        <div className="card padded center" data-testid="credit-not-activated">
          <div className="strong">{t('creditIntro')}</div>
          <div className="small muted" style={{ margin: '6px 0 10px' }}>
            {t('creditIntroHint')}
          </div>
          {account.isError && !missing ? (
            <div className="form-error">{errorText(account.error)}</div>
          ) : (
            <Button
              color="primary"
              loading={busy === 'activate'}
              onClick={() => run('activate', () => credit.activate(patient.id))}
              data-testid="credit-activate"
            >
              {t('creditActivate')}
            </Button>
          )}
        </div>
        {errorBox}
      </>
    );

  const owed = a.charges.filter((c) => c.owedFen > 0);
  const owedFen = owed.reduce((s, c) => s + c.owedFen, 0);
  const settle = () =>
    run('settle', async () => {
      const s = await credit.settle(patient.id);
      if (s.orderId && s.orderNo)
        await openCashier(
          navigate,
          { orderId: s.orderId, orderNo: s.orderNo },
          `/credit?patient=${patient.id}`,
        );
    });
  const close = async () => {
    const ok = await Dialog.confirm({
      content: t('creditCloseConfirm'),
      confirmText: <span data-testid="credit-close-confirm">{t('creditClose')}</span>,
      cancelText: t('cancel'),
    });
    if (ok)
      await run('close', async () => {
        await credit.close(patient.id);
        Toast.show({ content: t('creditClosed') });
      });
  };

  return (
    <>
      <div className="balance-card" data-testid="credit-account" data-state={a.state}>
        <div className="small">
          {t('creditAvailable')} ·{' '}
          <Tag color={a.state === 'active' ? 'success' : 'danger'}>
            {code(creditAccountStateLabels, a.state)}
          </Tag>
        </div>
        <div className="big-money" data-testid="credit-available">
          ¥{yuan(a.availableFen)}
        </div>
        <div className="small">
          {t('creditLimit')} ¥{yuan(a.limitFen)} · {t('creditUsed')}{' '}
          <span data-testid="credit-used">¥{yuan(a.usedFen)}</span>
        </div>
      </div>
      {a.state === 'suspended' ? (
        <NoticeBar color="alert" wrap content={t('creditSuspendedNote', { reason: a.suspendReason ?? '' })} />
      ) : null}
      {a.overdueFen > 0 ? (
        <NoticeBar
          color="alert"
          wrap
          content={t('creditOverdueNote', { amount: yuan(a.overdueFen) })}
          data-testid="credit-overdue"
        />
      ) : null}
      <div className="card padded">
        <div className="bill-head">
          <span>
            {t('creditOwedTotal')}
            {t('colon')}
            <span className="price big" data-testid="credit-owed">
              ¥{yuan(owedFen)}
            </span>
          </span>
          {a.nextDueAt ? (
            <span className="small muted">{t('creditDue', { date: isoDate(new Date(a.nextDueAt)) })}</span>
          ) : null}
        </div>
        {owedFen > 0 || a.openSettlement ? (
          <Button
            block
            color="primary"
            style={{ marginTop: 10 }}
            loading={busy === 'settle'}
            onClick={settle}
            data-testid="credit-settle"
          >
            {a.openSettlement
              ? t('creditPayOpen', { amount: yuan(a.openSettlement.amountFen) })
              : t('creditSettleAll', { amount: yuan(owedFen) })}
          </Button>
        ) : null}
      </div>
      <List className="card" header={t('creditFrictionless')}>
        {a.frictionless.signed ? (
          <List.Item
            extra={
              <Switch
                checked={a.frictionless.enabled}
                loading={busy === 'frictionless'}
                onChange={(v) => run('frictionless', () => credit.setFrictionless(patient.id, v))}
                data-testid="credit-frictionless"
              />
            }
            description={t('creditFrictionlessHint')}
          >
            {t('creditFrictionlessOn')}
          </List.Item>
        ) : (
          <List.Item
            description={t('creditFrictionlessHint')}
            extra={
              <Button
                size="small"
                color="primary"
                loading={busy === 'sign'}
                onClick={() => run('sign', () => credit.signWithholding(patient.id))}
                data-testid="credit-sign"
              >
                {t('creditSign')}
              </Button>
            }
          >
            {t('creditFrictionlessOff')}
          </List.Item>
        )}
      </List>
      {a.charges.length ? (
        <List className="card" header={t('creditCharges')} data-testid="credit-charges">
          {a.charges.map((c) => (
            <List.Item
              key={c.id}
              data-testid="credit-charge"
              data-state={c.state}
              description={`${dateTime(c.createdAt)} · ${t('creditDue', { date: isoDate(new Date(c.dueAt)) })}`}
              extra={
                <span className={c.overdue ? 'danger-text' : ''}>
                  ¥{yuan(c.amountFen)} · {code(creditChargeStateLabels, c.state)}
                </span>
              }
            >
              {c.subject}
            </List.Item>
          ))}
        </List>
      ) : null}
      {errorBox}
      {a.state === 'active' && owedFen === 0 ? (
        <div className="padded">
          <Button
            block
            fill="outline"
            color="danger"
            loading={busy === 'close'}
            onClick={close}
            data-testid="credit-close"
          >
            {t('creditClose')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
