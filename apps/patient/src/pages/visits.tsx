/**
 * Visit guidance (GUIDE-06…09, 14): each outpatient visit with its fees and the next step (pay,
 * collect drugs, go to the exam room), one visit's bills with their execution status, and the
 * electronic guide sheet: a signed code the executing department scans. A visit's detail also shows
 * its e-prescriptions, lab / exam reports and each bill's cost lines (GUIDE-09).
 */
import {
  billStateLabels,
  executionStatusLabels,
  prescriptionStateLabels,
  reportKindLabels,
} from '@qingnang/contracts';
import { useQuery } from '@tanstack/react-query';
import { Button, List, NoticeBar, Tag } from 'antd-mobile';
import { QRCodeSVG } from 'qrcode.react';
import { useNavigate, useParams } from 'react-router';
import { visits, type NextStep, type Patient } from '../api';
import { errorText, Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';

/** One next step in words. */
function StepText({ step }: { step: NextStep }) {
  const { t } = useI18n();
  if (step.kind === 'pay') return <>{t('visitStepPay', { n: step.bills, amount: yuan(step.amountFen) })}</>;
  if (step.kind === 'collect_drugs')
    return <>{t('visitStepDrugs', { department: step.department, location: step.location })}</>;
  if (step.kind === 'go_to')
    return (
      <>{t('visitStepGo', { title: step.title, department: step.department, location: step.location })}</>
    );
  return <>{t('visitStepDone')}</>;
}

/** GUIDE-09: the chosen family member's visits, newest first. */
export function VisitsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('visitsTitle')} testId="visits-page">
      <ForPatient>{(p) => <VisitList patient={p} />}</ForPatient>
    </Page>
  );
}

function VisitList({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['visits', patient.id], queryFn: () => visits.list(patient.id) });
  return (
    <>
      <div className="padded-x small" style={{ paddingTop: 8, textAlign: 'right' }}>
        <a onClick={() => navigate(`/guide-sheet?patient=${patient.id}`)} data-testid="visits-guide-sheet">
          {t('guideSheetTitle')} ›
        </a>
        {'  '}
        <a
          onClick={() => navigate(`/medications?patient=${patient.id}`)}
          data-testid="visits-medications"
          style={{ marginLeft: 12 }}
        >
          {t('medicationsTitle')} ›
        </a>
      </div>
      <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('visitsEmpty')}>
        {(rows) => (
          <div data-testid="visit-list">
            {rows.map((v) => (
              <div
                key={v.id}
                className="card padded"
                data-testid="visit-item"
                data-id={v.id}
                onClick={() => navigate(`/visits/${v.id}`)}
              >
                <div className="bill-head">
                  <span className="strong">
                    {v.departmentName ?? '-'}
                    {v.doctorName ? ` · ${v.doctorName}` : ''}
                  </span>
                  <span className="small muted">{v.visitDate}</span>
                </div>
                <div className="small muted">
                  {t('billCount', { n: v.bills })} · ¥{yuan(v.totalFen)}
                  {v.pendingFen > 0 ? (
                    <span className="danger-text">
                      {' '}
                      · {t('visitPending', { amount: yuan(v.pendingFen) })}
                    </span>
                  ) : null}
                </div>
                {v.prescriptions !== undefined ? (
                  <div className="small muted" data-testid="visit-overview-counts">
                    {t('visitOverviewCounts', { rx: v.prescriptions, reports: v.reports ?? 0 })}
                  </div>
                ) : null}
                <div className="guidance" data-testid="visit-next-step" data-kind={v.nextSteps[0]?.kind}>
                  {v.nextSteps[0] ? <StepText step={v.nextSteps[0]} /> : null}
                </div>
              </div>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

/** GUIDE-08: one visit: its bills, what was done, and every next step. */
export function VisitPage() {
  const { id = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const visit = useQuery({ queryKey: ['visit', id], queryFn: () => visits.get(id) });
  return (
    <Page title={t('visitTitle')} testId="visit-page">
      <QueryView query={visit}>
        {(v) => (
          <>
            <div className="card padded">
              <div className="strong" style={{ fontSize: 16 }}>
                {v.departmentName ?? '-'}
                {v.doctorName ? ` · ${v.doctorName}` : ''}
              </div>
              <div className="small muted">
                {v.visitNo} · {v.visitDate}
              </div>
            </div>
            <List className="card" header={t('visitNextSteps')} data-testid="visit-steps">
              {v.nextSteps.map((s, n) => (
                <List.Item key={n} data-testid="visit-step" data-kind={s.kind}>
                  <StepText step={s} />
                </List.Item>
              ))}
            </List>
            {v.overview ? (
              <>
                <List className="card" header={t('visitPrescriptions')} data-testid="visit-prescriptions">
                  {v.overview.prescriptions.length === 0 ? (
                    <List.Item>
                      <span className="small muted">{t('visitNoPrescriptions')}</span>
                    </List.Item>
                  ) : null}
                  {v.overview.prescriptions.map((rx) => (
                    <List.Item
                      key={rx.id}
                      data-testid="visit-prescription"
                      data-id={rx.id}
                      onClick={() => navigate(`/prescriptions/${rx.id}`)}
                      description={`${rx.doctorName} · ${dateTime(rx.issuedAt)}`}
                      extra={
                        <div style={{ textAlign: 'right' }}>
                          <div>¥{yuan(rx.totalFen)}</div>
                          <Tag>{code(prescriptionStateLabels, rx.state)}</Tag>
                        </div>
                      }
                      arrow
                    >
                      {rx.drugs.join('、')}
                    </List.Item>
                  ))}
                </List>
                <List className="card" header={t('visitReports')} data-testid="visit-reports">
                  {v.overview.reports.length === 0 ? (
                    <List.Item>
                      <span className="small muted">{t('visitNoReports')}</span>
                    </List.Item>
                  ) : null}
                  {v.overview.reports.map((r) => (
                    <List.Item
                      key={r.id}
                      data-testid="visit-report"
                      data-id={r.id}
                      onClick={() => navigate(`/reports/${r.id}`)}
                      description={`${r.department ?? ''} ${r.reportedAt ? dateTime(r.reportedAt) : ''}`}
                      extra={<Tag>{code(reportKindLabels, r.kind)}</Tag>}
                      arrow
                    >
                      {r.title}
                    </List.Item>
                  ))}
                  <List.Item>
                    <span className="small muted">{t('visitReportsHint')}</span>
                  </List.Item>
                </List>
              </>
            ) : null}
            <List className="card" header={t('visitBills')} data-testid="visit-bills">
              {(v.items ?? []).map((b) => (
                <List.Item
                  key={b.id}
                  data-testid="visit-bill"
                  data-state={b.state}
                  data-execution={b.executionStatus}
                  description={`${b.execDepartment}（${b.execLocation}）`}
                  extra={
                    <div style={{ textAlign: 'right' }}>
                      <div>¥{yuan(b.amountFen)}</div>
                      <Tag color={b.state === 'pending' ? 'warning' : 'default'}>
                        {code(billStateLabels, b.state)}
                      </Tag>{' '}
                      {b.state !== 'pending' && b.state !== 'refunded' ? (
                        <Tag color={b.executionStatus === 'none' ? 'primary' : 'success'}>
                          {code(executionStatusLabels, b.executionStatus)}
                        </Tag>
                      ) : null}
                    </div>
                  }
                >
                  {b.title}
                  {(b.lines ?? []).map((l, n) => (
                    <div key={n} className="small muted" data-testid="visit-bill-line">
                      {l.name}
                      {l.spec ? ` ${l.spec}` : ''} × {l.quantity}
                      {l.unit ?? ''} ¥{yuan(l.amountFen)}
                    </div>
                  ))}
                </List.Item>
              ))}
            </List>
            <div className="padded stack">
              {v.pendingFen > 0 ? (
                <Button
                  block
                  color="primary"
                  onClick={() => navigate(`/bills?patient=${v.patientId ?? ''}`)}
                  data-testid="visit-pay"
                >
                  {t('visitGoPay', { amount: yuan(v.pendingFen) })}
                </Button>
              ) : null}
              {v.patientId ? (
                <Button
                  block
                  fill="outline"
                  onClick={() => navigate(`/guide-sheet?patient=${v.patientId}`)}
                  data-testid="visit-guide-sheet"
                >
                  {t('guideSheetTitle')}
                </Button>
              ) : null}
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** GUIDE-14: the guide code, refreshed before it expires; the executing department scans it. */
export function GuideSheetPage() {
  const { t } = useI18n();
  return (
    <Page title={t('guideSheetTitle')} testId="guide-sheet-page">
      <ForPatient>{(p) => <GuideCode patient={p} />}</ForPatient>
    </Page>
  );
}

function GuideCode({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const code = useQuery({
    queryKey: ['guide-code', patient.id],
    queryFn: () => visits.guideCode(patient.id),
    // a new code well before the ten minutes run out
    refetchInterval: 5 * 60_000,
    staleTime: 0,
    retry: false,
  });
  const list = useQuery({ queryKey: ['visits', patient.id], queryFn: () => visits.list(patient.id) });
  const today = list.data?.[0];
  return (
    <>
      {code.isError ? <NoticeBar color="alert" wrap content={errorText(code.error)} /> : null}
      {code.data ? (
        <div className="card padded center" data-testid="guide-code" data-code={code.data.code}>
          <div className="strong">{patient.name}</div>
          <div className="qr">
            <QRCodeSVG value={code.data.code} size={200} level="M" />
          </div>
          {/* the code is a signed token for the triage desk's scanner, not something to read */}
          <div className="small muted" data-testid="guide-code-hint">
            {t('guideSheetQrHint')}
          </div>
          {code.data.visitCardNo ? (
            <div className="small">
              {t('visitCard')}
              {t('colon')}
              {code.data.visitCardNo}
            </div>
          ) : null}
          <div className="small muted">{t('guideCodeHint', { time: dateTime(code.data.expiresAt) })}</div>
        </div>
      ) : null}
      {today ? (
        <List className="card" header={t('visitNextSteps')} data-testid="guide-steps">
          {today.nextSteps.map((s, n) => (
            <List.Item key={n} data-kind={s.kind}>
              <StepText step={s} />
            </List.Item>
          ))}
        </List>
      ) : null}
    </>
  );
}
