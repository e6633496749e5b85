/**
 * Reports (RPT-01…13): lab, exam and pathology reports with their status; a report's indicators
 * with reference ranges, H/L flags and the knowledge base's plain-language explanation; the trend
 * of one indicator; the health record; the cloud-imaging link; a physical-exam report opened with
 * its extraction code.
 */
import { reportKindLabels, reportStatusLabels, resultFlagLabels } from '@qingnang/contracts';
import { useQuery } from '@tanstack/react-query';
import { Button, CapsuleTabs, Dialog, ErrorBlock, List, NoticeBar, Tag, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  ApiError,
  reports,
  type IndicatorTrend,
  type Observation,
  type ReportDetail,
  type ReportKind,
  type ReportSummary,
} from '../api';
import { errorText, Page, QueryView, TextInput } from '../components/common';
import { ForPatient } from '../components/care';
import { HealthProfileSection } from './health-profile';
import { dateTime, isoDate } from '../format';
import { useI18n } from '../i18n';

function StatusTag({ status }: { status: string }) {
  const { t, code } = useI18n();
  return (
    <Tag
      color={status === 'final' ? 'success' : status === 'partial' ? 'primary' : 'warning'}
      data-testid="report-status"
      data-status={status}
    >
      {code(reportStatusLabels, status)}
    </Tag>
  );
}

/** RPT-01…03: the chosen family member's reports, by kind. */
export function ReportsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('reportsTitle')} testId="reports-page">
      <ForPatient>{(p) => <ReportList patientId={p.id} />}</ForPatient>
    </Page>
  );
}

function ReportList({ patientId }: { patientId: string }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const kind = (params.get('kind') ?? '') as ReportKind | '';
  const list = useQuery({
    queryKey: ['reports', patientId, kind],
    queryFn: () => reports.list(patientId, kind || undefined),
  });
  const setKind = (k: string) => {
    const next = new URLSearchParams(params);
    if (k) next.set('kind', k);
    else next.delete('kind');
    setParams(next, { replace: true });
  };
  return (
    <>
      <CapsuleTabs activeKey={kind} onChange={setKind}>
        <CapsuleTabs.Tab key="" title={<span data-testid="report-tab-all">{t('all')}</span>} />
        {(['lab', 'exam', 'pathology'] as const).map((k) => (
          <CapsuleTabs.Tab
            key={k}
            title={<span data-testid={`report-tab-${k}`}>{code(reportKindLabels, k)}</span>}
          />
        ))}
      </CapsuleTabs>
      <div className="padded-x small">
        <a
          onClick={() => navigate(`/health-record?patient=${patientId}`)}
          data-testid="reports-health-record"
        >
          {t('healthRecordTitle')} ›
        </a>
      </div>
      <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('reportsEmpty')}>
        {(rows: ReportSummary[]) => (
          <div data-testid="report-list">
            {rows.map((r) => (
              <div
                key={r.id}
                className="card padded"
                data-testid="report-item"
                data-id={r.id}
                data-kind={r.kind}
                onClick={() => navigate(`/reports/${r.id}?patient=${patientId}`)}
              >
                <div className="bill-head">
                  <span className="strong">{r.title}</span>
                  <StatusTag status={r.status} />
                </div>
                <div className="small muted">
                  {code(reportKindLabels, r.kind)}
                  {r.department ? ` · ${r.department}` : ''} · {dateTime(r.reportedAt ?? r.orderedAt)}
                  {r.hasImages ? ` · ${t('reportHasImages')}` : ''}
                </div>
              </div>
            ))}
          </div>
        )}
      </QueryView>
    </>
  );
}

const OTHER_PANEL = '\u0000other';

/**
 * A lab report's panels (肾功能, 血常规 ...) each with its own results, in the report's order; results
 * of no named panel come last under 其他项目 (or alone, without a heading, when there are no panels).
 */
function panelsOf(r: ReportDetail) {
  type Panel = {
    name: string | null;
    conclusion: string | null;
    observations: { o: Observation; n: number }[];
  };
  const panels = new Map<string | null, Panel>();
  for (const s of r.sections)
    panels.set(s.name, { name: s.name, conclusion: s.conclusion, observations: [] });
  r.observations.forEach((o, n) => {
    const name = o.section && o.section.trim() ? o.section : null;
    if (!panels.has(name)) panels.set(name, { name, conclusion: null, observations: [] });
    panels.get(name)!.observations.push({ o, n });
  });
  const loose = panels.get(null);
  panels.delete(null);
  const named = [...panels.values()];
  if (loose && loose.observations.length) named.push({ ...loose, name: named.length ? OTHER_PANEL : null });
  return named;
}

function refRange(o: Observation): string {
  if (o.refText) return o.refText;
  if (o.refLow !== null && o.refHigh !== null) return `${o.refLow}-${o.refHigh}`;
  if (o.refLow !== null) return `≥${o.refLow}`;
  if (o.refHigh !== null) return `≤${o.refHigh}`;
  return '';
}

function flagArrow(flag: string | null) {
  if (flag === 'H') return '↑';
  if (flag === 'L') return '↓';
  if (flag === 'critical') return '!!';
  return '';
}

/** The body of a report: conclusion, sections, indicators with flags and explanations. */
export function ReportBody(props: { report: ReportDetail; onTrend?: (code: string) => void }) {
  const { t, code } = useI18n();
  const r = props.report;
  const [open, setOpen] = useState<string | null>(null);
  const abnormal = r.observations.filter((o) => o.flag && o.flag !== 'N').length;
  return (
    <>
      <div className="card padded">
        <div className="bill-head">
          <span className="strong" style={{ fontSize: 16 }} data-testid="report-title">
            {r.title}
          </span>
          <StatusTag status={r.status} />
        </div>
        <div className="small muted">
          {r.reportNo} · {code(reportKindLabels, r.kind)}
          {r.department ? ` · ${r.department}` : ''}
        </div>
        <div className="small muted">
          {t('reportReportedAt')}
          {t('colon')}
          {dateTime(r.reportedAt) || '-'}
        </div>
        {abnormal ? (
          <div className="small danger-text" data-testid="report-abnormal-count">
            {t('reportAbnormal', { n: abnormal })}
          </div>
        ) : null}
      </div>
      {r.status === 'pending' ? <NoticeBar color="info" content={t('reportPendingNote')} /> : null}
      {r.conclusion ? (
        <div className="card padded" data-testid="report-conclusion">
          <div className="strong">{t('reportConclusion')}</div>
          <div className="plain-text">{r.conclusion}</div>
        </div>
      ) : null}
      {panelsOf(r).map((panel) => (
        <div
          className="card"
          key={panel.name ?? '-'}
          data-testid="report-section"
          data-section={panel.name ?? ''}
        >
          {panel.name ? (
            <div className="strong padded" data-testid="report-section-name">
              {panel.name === OTHER_PANEL ? t('reportPanelOther') : panel.name}
            </div>
          ) : null}
          {panel.conclusion ? <div className="plain-text padded-x">{panel.conclusion}</div> : null}
          {panel.observations.length ? (
            <div data-testid="observation-list">
              {panel.observations.map(({ o, n }) => {
                const key = `${o.code}-${n}`;
                const numeric = typeof o.value === 'number';
                return (
                  <div
                    key={key}
                    className={`obs-row flag-${o.flag ?? 'none'}`}
                    data-testid="observation-item"
                    data-code={o.code}
                    data-flag={o.flag ?? ''}
                    onClick={() => setOpen(open === key ? null : key)}
                  >
                    <div className="obs-main">
                      <span>
                        {o.name} <span className="small muted">{o.code}</span>
                      </span>
                      <span className="obs-value" data-testid="observation-value">
                        {o.value} {o.unit ?? ''} {flagArrow(o.flag)}
                      </span>
                    </div>
                    <div className="small muted obs-main">
                      <span>
                        {t('reportRefRange')}
                        {t('colon')}
                        <span data-testid="observation-range">{refRange(o)}</span>
                      </span>
                      {o.flag && o.flag !== 'N' ? (
                        <Tag color={o.flag === 'L' ? 'primary' : 'danger'} data-testid="observation-flag">
                          {code(resultFlagLabels, o.flag)}
                        </Tag>
                      ) : null}
                    </div>
                    {open === key ? (
                      <div className="obs-explain" data-testid="observation-interpretation">
                        {o.interpretation ? (
                          <>
                            <div>{o.interpretation.meaning}</div>
                            {o.interpretation.explanation ? (
                              <div className="strong" style={{ marginTop: 4 }}>
                                {o.interpretation.explanation}
                              </div>
                            ) : null}
                            {o.interpretation.advice ? (
                              <div style={{ marginTop: 4 }}>
                                {t('reportAdvice')}
                                {t('colon')}
                                {o.interpretation.advice}
                              </div>
                            ) : null}
                          </>
                        ) : (
                          <div>{t('reportNoInterpretation')}</div>
                        )}
                        {numeric && props.onTrend ? (
                          <a
                            style={{ display: 'inline-block', marginTop: 6 }}
                            data-testid="observation-trend"
                            onClick={(e) => {
                              e.stopPropagation();
                              props.onTrend?.(o.code);
                            }}
                          >
                            {t('reportTrend')} ›
                          </a>
                        ) : null}
                      </div>
                    ) : null}
                  </div>
                );
              })}
            </div>
          ) : null}
        </div>
      ))}
      {r.observations.length ? <div className="small muted padded-x">{t('reportTapHint')}</div> : null}
    </>
  );
}

/** RPT-02/05/07: one report; imaging opens through a time-limited link after authorisation. */
export function ReportPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const patientId = params.get('patient') ?? '';
  const { t } = useI18n();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const report = useQuery({ queryKey: ['report', id], queryFn: () => reports.get(id) });

  const openImaging = async () => {
    setBusy(true);
    try {
      let link: { url: string };
      try {
        link = await reports.imagingLink(id);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 'IMAGING_AUTHORISATION_REQUIRED') || !patientId)
          throw err;
        const ok = await Dialog.confirm({
          content: <span data-testid="imaging-authorise-text">{t('imagingAuthorise')}</span>,
          confirmText: <span data-testid="imaging-authorise">{t('imagingAuthoriseOk')}</span>,
          cancelText: t('cancel'),
        });
        if (!ok) return;
        await reports.setImagingAuthorisation(patientId, true);
        link = await reports.imagingLink(id);
      }
      window.open(link.url, '_blank', 'noopener');
    } catch (err) {
      Toast.show({ content: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('reportDetailTitle')} testId="report-page">
      <QueryView query={report}>
        {(r) => (
          <>
            <ReportBody
              report={r}
              onTrend={
                patientId
                  ? (code) =>
                      navigate(`/health-record/trend?patient=${patientId}&code=${encodeURIComponent(code)}`)
                  : undefined
              }
            />
            {r.hasImages ? (
              <div className="padded">
                <Button
                  block
                  color="primary"
                  fill="outline"
                  loading={busy}
                  onClick={openImaging}
                  data-testid="report-imaging"
                >
                  {t('reportImaging')}
                </Button>
              </div>
            ) : null}
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** RPT-12/13: the health record: report counts and each indicator's latest value. */
export function HealthRecordPage() {
  const { t } = useI18n();
  return (
    <Page title={t('healthRecordTitle')} testId="health-record-page">
      <ForPatient>{(p) => <HealthRecordBody patientId={p.id} />}</ForPatient>
    </Page>
  );
}

function HealthRecordBody({ patientId }: { patientId: string }) {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const record = useQuery({
    queryKey: ['health-record', patientId],
    queryFn: () => reports.healthRecord(patientId),
  });
  return (
    <QueryView query={record}>
      {(h) => {
        const counts = new Map<string, number>();
        for (const c of h.reportCounts) counts.set(c.kind, (counts.get(c.kind) ?? 0) + c.n);
        return (
          <>
            <div className="card padded" data-testid="health-record-counts">
              <div className="strong">{h.patient.name}</div>
              <div className="small muted">
                {[...counts].map(([k, n]) => `${code(reportKindLabels, k)} ${n}`).join(' · ') ||
                  t('reportsEmpty')}
              </div>
            </div>
            {h.indicators.length ? (
              <List header={t('healthIndicators')} className="card" data-testid="health-indicators">
                {h.indicators.map((i) => (
                  <List.Item
                    key={i.code}
                    data-testid="health-indicator"
                    data-code={i.code}
                    onClick={() =>
                      navigate(`/health-record/trend?patient=${patientId}&code=${encodeURIComponent(i.code)}`)
                    }
                    description={t('healthIndicatorCount', {
                      n: i.count,
                      date: isoDate(new Date(i.latest.at)),
                    })}
                    extra={
                      <span
                        className={i.latest.flag === 'H' || i.latest.flag === 'critical' ? 'danger-text' : ''}
                      >
                        {i.latest.value} {i.unit ?? ''} {flagArrow(i.latest.flag ?? null)}
                      </span>
                    }
                  >
                    {i.name}
                  </List.Item>
                ))}
              </List>
            ) : (
              <ErrorBlock status="empty" title={t('healthNoIndicators')} description="" />
            )}
            <HealthProfileSection patientId={patientId} />
          </>
        );
      }}
    </QueryView>
  );
}

/** RPT-04/13: one indicator over time, with the reference band. */
export function TrendPage() {
  const [params] = useSearchParams();
  const patientId = params.get('patient') ?? '';
  const code = params.get('code') ?? '';
  const { t } = useI18n();
  const trend = useQuery({
    queryKey: ['trend', patientId, code],
    queryFn: () => reports.trend(patientId, code),
    enabled: Boolean(patientId && code),
  });
  return (
    <Page title={t('trendTitle')} testId="trend-page">
      <QueryView query={trend}>
        {(tr) => (
          <>
            <div className="card padded">
              <div className="strong" data-testid="trend-name">
                {tr.name ?? tr.code} {tr.unit ? <span className="small muted">（{tr.unit}）</span> : null}
              </div>
              {tr.refLow !== null &&
              tr.refLow !== undefined &&
              tr.refHigh !== null &&
              tr.refHigh !== undefined ? (
                <div className="small muted">
                  {t('reportRefRange')}
                  {t('colon')}
                  {tr.refLow}-{tr.refHigh}
                </div>
              ) : null}
              <TrendChart trend={tr} />
            </div>
            <List className="card" data-testid="trend-points">
              {[...tr.points].reverse().map((p, n) => (
                <List.Item
                  key={`${p.at}-${n}`}
                  data-testid="trend-point"
                  data-flag={p.flag ?? ''}
                  extra={
                    <span
                      className={
                        p.flag === 'H' || p.flag === 'critical'
                          ? 'danger-text'
                          : p.flag === 'L'
                            ? 'strong'
                            : ''
                      }
                    >
                      {p.value} {flagArrow(p.flag ?? null)}
                    </span>
                  }
                >
                  {dateTime(p.at)}
                </List.Item>
              ))}
            </List>
          </>
        )}
      </QueryView>
    </Page>
  );
}

/** A small inline SVG line chart: points over time, the reference band shaded, flagged points red/blue. */
export function TrendChart({ trend }: { trend: IndicatorTrend }) {
  const { t } = useI18n();
  const pts = trend.points;
  if (!pts.length) return <div className="small muted">{t('trendEmpty')}</div>;
  const W = 340;
  const H = 180;
  const pad = { l: 36, r: 12, t: 12, b: 24 };
  const values = pts.map((p) => p.value);
  const low = trend.refLow ?? null;
  const high = trend.refHigh ?? null;
  let min = Math.min(...values, ...(low !== null ? [low] : []));
  let max = Math.max(...values, ...(high !== null ? [high] : []));
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const span = max - min;
  min -= span * 0.1;
  max += span * 0.1;
  const x = (i: number) =>
    pts.length === 1 ? (pad.l + W - pad.r) / 2 : pad.l + (i * (W - pad.l - pad.r)) / (pts.length - 1);
  const y = (v: number) => pad.t + ((max - v) * (H - pad.t - pad.b)) / (max - min);
  const path = pts.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toFixed(2)).toString());
  return (
    <svg
      className="trend-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={trend.name ?? trend.code}
      data-testid="trend-chart"
      data-points={pts.length}
    >
      {low !== null && high !== null ? (
        <rect
          x={pad.l}
          y={y(high)}
          width={W - pad.l - pad.r}
          height={Math.max(0, y(low) - y(high))}
          fill="#e8f7ef"
          data-testid="trend-band"
        />
      ) : null}
      <line x1={pad.l} y1={H - pad.b} x2={W - pad.r} y2={H - pad.b} stroke="#ccc" />
      <line x1={pad.l} y1={pad.t} x2={pad.l} y2={H - pad.b} stroke="#ccc" />
      <text x={pad.l - 4} y={y(max - span * 0.1) + 4} fontSize="10" textAnchor="end" fill="#8a8f99">
        {fmt(max - span * 0.1)}
      </text>
      <text x={pad.l - 4} y={y(min + span * 0.1) + 4} fontSize="10" textAnchor="end" fill="#8a8f99">
        {fmt(min + span * 0.1)}
      </text>
      <path d={path} fill="none" stroke="#1677ff" strokeWidth="2" />
      {pts.map((p, i) => (
        <g key={`${p.at}-${i}`}>
          <circle
            cx={x(i)}
            cy={y(p.value)}
            r="4"
            fill={
              p.flag === 'H' || p.flag === 'critical' ? '#ff3141' : p.flag === 'L' ? '#1677ff' : '#00b578'
            }
            data-testid="trend-dot"
            data-flag={p.flag ?? ''}
          />
          {i === 0 || i === pts.length - 1 ? (
            <text x={x(i)} y={H - 8} fontSize="10" textAnchor="middle" fill="#8a8f99">
              {isoDate(new Date(p.at)).slice(5)}
            </text>
          ) : null}
        </g>
      ))}
    </svg>
  );
}

/** RPT-09/10/11: a physical-exam report opened with its report number, name and SMS extraction code. */
export function ExamReportPage() {
  const { t } = useI18n();
  const [reportNo, setReportNo] = useState('');
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<{ phoneMasked?: string; sandboxCode?: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ReportDetail | null>(null);

  const request = async () => {
    setError(null);
    setBusy(true);
    try {
      setSent(await reports.requestExamCode(reportNo.trim(), name.trim()));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const open = async () => {
    setError(null);
    setBusy(true);
    try {
      setReport(await reports.openExamReport(reportNo.trim(), code.trim()));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (report)
    return (
      <Page title={t('examReportTitle')} testId="exam-report-page">
        <div data-testid="exam-report">
          <ReportBody report={report} />
        </div>
      </Page>
    );
  return (
    <Page title={t('examReportTitle')} testId="exam-report-page">
      <div className="card padded">
        <div className="form-row">
          <span>{t('examReportNo')}</span>
          <TextInput
            value={reportNo}
            onChange={setReportNo}
            testId="exam-report-no"
            placeholder={t('examReportNoHint')}
          />
        </div>
        <div className="form-row">
          <span>{t('examName')}</span>
          <TextInput value={name} onChange={setName} testId="exam-name" />
        </div>
        <Button
          block
          color="primary"
          fill="outline"
          loading={busy && !sent}
          disabled={!reportNo.trim() || !name.trim()}
          onClick={request}
          data-testid="exam-request-code"
        >
          {sent ? t('examResendCode') : t('examRequestCode')}
        </Button>
        {sent ? (
          <div className="small muted" style={{ marginTop: 8 }} data-testid="exam-code-sent">
            {t('examCodeSent', { phone: sent.phoneMasked ?? '' })}
            {sent.sandboxCode ? (
              <div data-testid="exam-sandbox-code">{t('sandboxCode', { code: sent.sandboxCode })}</div>
            ) : null}
          </div>
        ) : null}
        {sent ? (
          <>
            <div className="form-row" style={{ marginTop: 10 }}>
              <span>{t('examCode')}</span>
              <TextInput
                value={code}
                onChange={setCode}
                testId="exam-code"
                inputMode="numeric"
                maxLength={6}
              />
            </div>
            <Button
              block
              color="primary"
              loading={busy}
              disabled={code.trim().length !== 6}
              onClick={open}
              data-testid="exam-open"
            >
              {t('examOpen')}
            </Button>
          </>
        ) : null}
        {error ? (
          <div className="form-error" role="alert" data-testid="exam-error">
            {error}
          </div>
        ) : null}
      </div>
    </Page>
  );
}
