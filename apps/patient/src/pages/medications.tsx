/**
 * GUIDE-09 用药记录: the drugs the chosen family member was given — paid prescription bills at the
 * hospital pharmacy (dispensed or still to collect) and dispensed insurance e-prescriptions (a retail
 * pharmacy or the hospital's) — newest first.
 */
import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { visits, type Patient } from '../api';
import { Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { dateTime } from '../format';
import { useI18n } from '../i18n';

export function MedicationsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('medicationsTitle')} testId="medications-page">
      <ForPatient>{(p) => <MedicationList patient={p} />}</ForPatient>
    </Page>
  );
}

function MedicationList({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['medications', patient.id],
    queryFn: () => visits.medications(patient.id),
  });
  return (
    <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('medicationsEmpty')}>
      {(rows) => (
        <div data-testid="medication-list">
          {rows.map((m, n) => (
            <div
              key={`${m.prescriptionId ?? m.billId}-${n}`}
              className="card padded"
              data-testid="medication-item"
              data-source={m.source}
              onClick={m.prescriptionId ? () => navigate(`/prescriptions/${m.prescriptionId}`) : undefined}
            >
              <div className="bill-head">
                <span className="strong">
                  {m.name}
                  {m.spec ? <span className="small muted"> {m.spec}</span> : null}
                </span>
                <Tag color={m.dispensed ? 'success' : 'primary'}>
                  {m.dispensed ? t('medicationDispensed') : t('medicationToCollect')}
                </Tag>
              </div>
              <div className="small">
                {t('medicationQuantity', { n: m.quantity, unit: m.unit ?? '' })}
                {m.usage ? ` · ${m.usage}` : ''}
              </div>
              <div className="small muted">
                {m.source === 'retail_pharmacy' ? t('medicationRetail') : t('medicationHospital')}
                {m.pharmacyName ? ` · ${m.pharmacyName}` : ''} · {dateTime(m.date)}
                {m.visitNo ? ` · ${t('medicationVisit', { no: m.visitNo })}` : ''}
              </div>
            </div>
          ))}
        </div>
      )}
    </QueryView>
  );
}
