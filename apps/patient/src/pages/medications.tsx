/**
 * GUIDE-09 用药记录: the drugs the chosen family member was given — paid prescription bills at the
 * hospital pharmacy (dispensed or still to collect) and dispensed insurance e-prescriptions (a retail
 * pharmacy or the hospital's) — newest first, a page at a time (more load on scrolling down).
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { InfiniteScroll, Tag } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { visits, type Patient } from '../api';
import { Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { dateTime } from '../format';
import { useI18n } from '../i18n';

const PAGE_SIZE = 20;

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
  const list = useInfiniteQuery({
    queryKey: ['medications', patient.id],
    initialPageParam: 1,
    queryFn: ({ pageParam }) => visits.medications(patient.id, { page: pageParam, pageSize: PAGE_SIZE }),
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      if (last.items.length < PAGE_SIZE) return undefined;
      if (last.total !== undefined && loaded >= last.total) return undefined;
      return all.length + 1;
    },
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <QueryView query={list} empty={() => rows.length === 0} emptyText={t('medicationsEmpty')}>
      {() => (
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
          <InfiniteScroll
            loadMore={async () => void (await list.fetchNextPage())}
            hasMore={list.hasNextPage}
          />
        </div>
      )}
    </QueryView>
  );
}
