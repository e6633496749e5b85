/**
 * Pieces shared by the care pages (bills, reports, inpatient): the family-member switcher and the
 * way to the sandbox cashier for a payment order.
 */
import { relationLabels } from '@qingnang/contracts';
import { useQuery } from '@tanstack/react-query';
import { Button, ErrorBlock } from 'antd-mobile';
import { Fragment, type ReactNode } from 'react';
import { useNavigate, useSearchParams, type NavigateFunction } from 'react-router';
import { patients, payments, type Patient } from '../api';
import { useI18n } from '../i18n';
import { rememberCashierReturn } from '../pages/registrations';
import { Loading } from './common';

/**
 * The family member a page shows: `?patient=<id>` in the address (kept on reload and back), else
 * the default member, else the first. Returns undefined while the list loads or when it is empty.
 */
export function useChosenPatient(): {
  list: Patient[];
  patient: Patient | undefined;
  choose: (id: string) => void;
  loading: boolean;
  error: unknown;
} {
  const [params, setParams] = useSearchParams();
  const query = useQuery({ queryKey: ['patients', 'list'], queryFn: patients.list });
  const list = query.data ?? [];
  const wanted = params.get('patient');
  const patient =
    list.find((p) => p.id === wanted) ?? list.find((p) => p.isDefault) ?? (list.length ? list[0] : undefined);
  const choose = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('patient', id);
    setParams(next, { replace: true });
  };
  return { list, patient, choose, loading: query.isPending, error: query.error };
}

/** Chips of the account's family members; the chosen one is highlighted. */
export function PatientSwitcher(props: {
  list: Patient[];
  chosen?: Patient;
  onChoose: (id: string) => void;
}) {
  const { t, code } = useI18n();
  return (
    <div className="patient-switcher" data-testid="patient-switcher">
      {props.list.map((p) => (
        <button
          key={p.id}
          type="button"
          className={`patient-chip ${props.chosen?.id === p.id ? 'active' : ''}`}
          data-testid="patient-switch-item"
          data-id={p.id}
          data-active={props.chosen?.id === p.id ? 'true' : 'false'}
          onClick={() => props.onChoose(p.id)}
        >
          <span className="strong">{p.name}</span>
          <span className="small muted">{code(relationLabels, p.relation)}</span>
        </button>
      ))}
    </div>
  );
}

/**
 * A page part for one family member: loads the list, shows the switcher, asks to add a member
 * when there is none, then renders the children for the chosen one.
 */
export function ForPatient(props: { children: (patient: Patient) => ReactNode }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { list, patient, choose, loading } = useChosenPatient();
  if (loading) return <Loading />;
  if (!patient)
    return (
      <ErrorBlock status="empty" title={t('carePatientNeeded')} description="">
        <Button color="primary" size="small" onClick={() => navigate('/patients/new')}>
          {t('careAddPatient')}
        </Button>
      </ErrorBlock>
    );
  return (
    <>
      <PatientSwitcher list={list} chosen={patient} onChoose={choose} />
      {patient.consent === 'pending' ? (
        // IDN-10: an adult family member's records open only after they authorised this account
        <ErrorBlock
          status="default"
          title={t('careConsentNeeded')}
          description={t('careConsentExplain')}
          data-testid="care-consent-needed"
        >
          <Button color="primary" size="small" onClick={() => navigate(`/patients/${patient.id}`)}>
            {t('careConsentGo')}
          </Button>
        </ErrorBlock>
      ) : (
        // keyed by the member: a page's own state (selection, form input) starts afresh on a switch
        <Fragment key={patient.id}>{props.children(patient)}</Fragment>
      )}
    </>
  );
}

/**
 * Opens the sandbox cashier for a payment order and comes back to `returnTo` afterwards.
 */
export async function openCashier(
  navigate: NavigateFunction,
  order: { orderId: string; orderNo: string },
  returnTo: string,
): Promise<void> {
  const result = await payments.pay(order.orderId, 'sandbox');
  const orderNo = result.orderNo ?? order.orderNo;
  const url =
    result.cashierUrl ??
    (result.pay?.kind === 'redirect' ? result.pay.url : `/cashier/${encodeURIComponent(orderNo)}`);
  rememberCashierReturn(orderNo, returnTo);
  if (url.startsWith('/')) navigate(url);
  else window.location.href = url;
}
