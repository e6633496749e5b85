/**
 * Insurance e-prescriptions (INS-16 医保电子处方): a family member's prescriptions signed in the HIS and
 * uploaded to the insurance e-prescription centre; the patient chooses where to fill one (the hospital
 * pharmacy or a designated retail pharmacy; 双通道 drugs only at 双通道 pharmacies), shows the pickup
 * code there, and sees the dispensing with its fund / personal-account / cash split afterwards.
 */
import { prescriptionStateLabels } from '@qingnang/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, NoticeBar, Tag, Toast } from 'antd-mobile';
import { QRCodeSVG } from 'qrcode.react';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  prescriptions,
  type DesignatedPharmacy,
  type FillChoice,
  type Patient,
  type PrescriptionDetail,
  type PrescriptionSummary,
} from '../api';
import { errorText, Page, QueryView } from '../components/common';
import { ForPatient } from '../components/care';
import { dateTime, yuan } from '../format';
import { useI18n } from '../i18n';

function stateColor(state: string): 'primary' | 'success' | 'warning' | 'danger' | 'default' {
  if (state === 'circulating' || state === 'dispatched' || state === 'at_hospital') return 'warning';
  if (state === 'dispensed') return 'success';
  if (state === 'rejected') return 'danger';
  if (state === 'pending_upload' || state === 'upload_failed') return 'primary';
  return 'default';
}

function StateTag({ rx }: { rx: PrescriptionSummary }) {
  const { t, code } = useI18n();
  return (
    <Tag color={stateColor(rx.state)} data-testid="rx-state" data-state={rx.state}>
      {code(prescriptionStateLabels, rx.state)}
    </Tag>
  );
}

/** 门诊特殊病 and 双通道 marks of a prescription. */
function KindTags({ rx }: { rx: PrescriptionSummary }) {
  const { t } = useI18n();
  if (rx.kind !== 'special_disease' && !rx.dualChannel) return null;
  return (
    <div className="tags" style={{ margin: '4px 0' }}>
      {rx.kind === 'special_disease' ? (
        <Tag color="primary" fill="outline" data-testid="rx-tag-special">
          {t('rxKindSpecial')}
          {rx.specialDisease ? ` · ${rx.specialDisease.name}` : ''}
        </Tag>
      ) : null}
      {rx.dualChannel ? (
        <Tag color="success" fill="outline" data-testid="rx-tag-dual">
          {t('rxDualChannel')}
        </Tag>
      ) : null}
    </div>
  );
}

/** INS-16: the chosen family member's insurance e-prescriptions, newest first. */
export function PrescriptionsPage() {
  const { t } = useI18n();
  return (
    <Page title={t('rxTitle')} testId="prescriptions-page">
      <ForPatient>{(p) => <PrescriptionList patient={p} />}</ForPatient>
    </Page>
  );
}

function PrescriptionList({ patient }: { patient: Patient }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({
    queryKey: ['prescriptions', patient.id],
    queryFn: () => prescriptions.list(patient.id),
  });
  return (
    <QueryView query={list} empty={(x) => x.length === 0} emptyText={t('rxEmpty')}>
      {(rows) => (
        <div data-testid="rx-list">
          {rows.map((rx) => (
            <div
              key={rx.id}
              className="card padded"
              data-testid="rx-item"
              data-id={rx.id}
              data-his-rx-no={rx.hisRxNo}
              onClick={() => navigate(`/prescriptions/${rx.id}`)}
            >
              <div className="bill-head">
                <span className="strong">
                  {rx.departmentName} · {rx.doctorName}
                </span>
                <StateTag rx={rx} />
              </div>
              <KindTags rx={rx} />
              <div className="small muted">
                {t('rxIssuedAt')}
                {t('colon')}
                {dateTime(rx.issuedAt)}
              </div>
              <div className="small muted">
                {t('rxValidUntil')}
                {t('colon')}
                {dateTime(rx.validUntil)}
              </div>
              <div className="bill-head">
                <span className="small muted">
                  {t('rxDrugCount', { n: rx.itemCount })}
                  {rx.pharmacy ? ` · ${rx.pharmacy.name}` : ''}
                </span>
                <span className="price" data-testid="rx-total">
                  ¥{yuan(rx.totalFen)}
                </span>
              </div>
            </div>
          ))}
        </div>
      )}
    </QueryView>
  );
}

/** INS-16: one prescription: drugs, where to fill it, the pickup code, the dispensing. */
export function PrescriptionPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const rx = useQuery({
    queryKey: ['prescription', id],
    queryFn: () => prescriptions.get(id),
    refetchInterval: (q) => {
      const s = q.state.data?.state;
      // the upload and the pharmacy's dispensing reach the platform in the background
      if (s === 'pending_upload') return 2000;
      if (s === 'dispatched' || s === 'at_hospital') return 5000;
      return false;
    },
  });
  return (
    <Page title={t('rxDetailTitle')} testId="prescription-page">
      <QueryView query={rx}>{(p) => <PrescriptionView rx={p} />}</QueryView>
    </Page>
  );
}

function PrescriptionView({ rx }: { rx: PrescriptionDetail }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [changing, setChanging] = useState(false);
  const fillable = rx.state === 'circulating' || (rx.state === 'dispatched' && changing);
  return (
    <div data-testid="rx-detail" data-state={rx.state}>
      <div className="card padded">
        <div className="bill-head">
          <span className="strong" style={{ fontSize: 16 }}>
            {rx.departmentName} · {rx.doctorName}
          </span>
          <StateTag rx={rx} />
        </div>
        <KindTags rx={rx} />
        <div className="small muted">{rx.patientName}</div>
      </div>
      <StateNotice rx={rx} />
      {rx.state === 'dispatched' && rx.pickupCode ? <PickupCode rx={rx} /> : null}
      {rx.dispensed ? <Dispensed rx={rx} /> : null}
      {fillable ? <FillChooser rx={rx} onDone={() => setChanging(false)} /> : null}
      {rx.state === 'dispatched' ? (
        <div className="padded">
          {changing ? (
            <Button block fill="none" onClick={() => setChanging(false)} data-testid="rx-change-cancel">
              {t('rxKeepPharmacy')}
            </Button>
          ) : (
            <Button block fill="outline" onClick={() => setChanging(true)} data-testid="rx-change-pharmacy">
              {t('rxChangePharmacy')}
            </Button>
          )}
        </div>
      ) : null}
      {rx.state === 'at_hospital' ? (
        <div className="padded">
          <Button
            block
            color="primary"
            onClick={() => navigate(`/bills?patient=${rx.patientId}`)}
            data-testid="rx-go-pay"
          >
            {t('rxGoPay')}
          </Button>
        </div>
      ) : null}
      <List className="card" header={t('rxDrugs')} data-testid="rx-drugs">
        {rx.items.map((i, n) => (
          <List.Item
            key={`${i.drugCode}-${n}`}
            data-testid="rx-drug"
            data-dual-channel={i.dualChannel ? 'true' : 'false'}
            description={
              <>
                <div>
                  {i.spec}
                  {i.dosageForm ? ` · ${i.dosageForm}` : ''}
                </div>
                {usage(i) ? (
                  <div>
                    {t('rxUsage')}
                    {t('colon')}
                    {usage(i)}
                    {i.days ? ` · ${t('rxDays', { n: i.days })}` : ''}
                  </div>
                ) : null}
              </>
            }
            extra={
              <div style={{ textAlign: 'right' }}>
                <div>
                  {i.quantity}
                  {i.unit}
                </div>
                <div className="small muted">¥{yuan(i.unitPriceFen * i.quantity)}</div>
              </div>
            }
          >
            {i.name}{' '}
            {i.dualChannel ? (
              <Tag color="success" fill="outline" data-testid="rx-drug-dual">
                {t('rxDualChannel')}
              </Tag>
            ) : null}
          </List.Item>
        ))}
      </List>
      <List className="card">
        <List.Item
          extra={<span data-testid="rx-diagnoses">{rx.diagnoses.map((d) => d.name).join('、')}</span>}
        >
          {t('rxDiagnoses')}
        </List.Item>
        {rx.specialDisease ? (
          <List.Item extra={rx.specialDisease.name}>{t('rxSpecialDisease')}</List.Item>
        ) : null}
        <List.Item extra={dateTime(rx.issuedAt)}>{t('rxIssuedAt')}</List.Item>
        <List.Item extra={<span data-testid="rx-valid-until">{dateTime(rx.validUntil)}</span>}>
          {t('rxValidUntil')}
        </List.Item>
        <List.Item
          extra={
            <span className="price" data-testid="rx-total">
              ¥{yuan(rx.totalFen)}
            </span>
          }
        >
          {t('rxTotal')}
        </List.Item>
        {rx.hiRxNo ? (
          <List.Item extra={<span data-testid="rx-hi-rx-no">{rx.hiRxNo}</span>}>{t('rxHiRxNo')}</List.Item>
        ) : null}
        {rx.traceCode ? (
          <List.Item extra={<span data-testid="rx-trace-code">{rx.traceCode}</span>}>
            {t('rxTraceCode')}
          </List.Item>
        ) : null}
        <List.Item extra={rx.hisRxNo}>{t('rxHisRxNo')}</List.Item>
      </List>
    </div>
  );
}

function usage(i: PrescriptionDetail['items'][number]): string {
  return [i.dose, i.frequency, i.route].filter(Boolean).join(' · ');
}

/** What the state means for the patient: uploading, collect at the hospital, or why it closed. */
function StateNotice({ rx }: { rx: PrescriptionDetail }) {
  const { t } = useI18n();
  if (rx.state === 'pending_upload' || rx.state === 'upload_failed')
    return <NoticeBar color="info" wrap content={t('rxUploadingHint')} data-testid="rx-notice" />;
  if (rx.state === 'at_hospital')
    return <NoticeBar color="info" wrap content={t('rxAtHospitalHint')} data-testid="rx-notice" />;
  if (rx.state === 'rejected')
    return (
      <NoticeBar
        color="alert"
        wrap
        data-testid="rx-notice"
        content={`${t('rxRejectReason')}${t('colon')}${rx.rejectReason ?? '-'}`}
      />
    );
  if (rx.state === 'revoked')
    return (
      <NoticeBar
        color="alert"
        wrap
        data-testid="rx-notice"
        content={`${t('rxRevokeReason')}${t('colon')}${rx.revokeReason ?? '-'}`}
      />
    );
  if (rx.state === 'expired')
    return <NoticeBar color="alert" wrap content={t('rxExpiredHint')} data-testid="rx-notice" />;
  return null;
}

/** The code the retail pharmacy scans, with where the pharmacy is. */
function PickupCode({ rx }: { rx: PrescriptionDetail }) {
  const { t } = useI18n();
  const code = rx.pickupCode ?? '';
  return (
    <div className="card padded center" data-testid="rx-pickup">
      <div className="strong">{t('rxPickupCode')}</div>
      <div className="qr">
        <QRCodeSVG value={code} size={180} level="M" />
      </div>
      <div className="strong" style={{ fontSize: 20, letterSpacing: 2 }} data-testid="rx-pickup-code">
        {code}
      </div>
      <div className="small muted">{t('rxPickupHint')}</div>
      {rx.pharmacy ? (
        <div
          style={{ marginTop: 12, textAlign: 'left' }}
          data-testid="rx-pharmacy"
          data-code={rx.pharmacy.code}
        >
          <div className="strong">
            {rx.pharmacy.name}{' '}
            {rx.pharmacy.dualChannel ? (
              <Tag color="success" fill="outline">
                {t('rxDualChannel')}
              </Tag>
            ) : null}
          </div>
          {rx.pharmacy.address ? (
            <div className="small">
              {t('rxAddress')}
              {t('colon')}
              {rx.pharmacy.address}
            </div>
          ) : null}
          {rx.pharmacy.phone ? (
            <div className="small">
              {t('rxPhone')}
              {t('colon')}
              <a href={`tel:${rx.pharmacy.phone}`}>{rx.pharmacy.phone}</a>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** Where and when it was dispensed, and how insurance settled it. */
function Dispensed({ rx }: { rx: PrescriptionDetail }) {
  const { t } = useI18n();
  const d = rx.dispensed!;
  return (
    <List className="card" header={t('rxSettlement')} data-testid="rx-dispensed">
      <List.Item extra={<span data-testid="rx-dispensed-where">{d.pharmacyName}</span>}>
        {t('rxDispensedWhere')}
      </List.Item>
      <List.Item extra={dateTime(d.at)}>{t('rxDispensedAt')}</List.Item>
      {d.settlementNo ? <List.Item extra={d.settlementNo}>{t('rxSettlementNo')}</List.Item> : null}
      <List.Item extra={<span className="price">¥{yuan(d.totalFen)}</span>}>{t('rxTotal')}</List.Item>
      <List.Item extra={<span data-testid="rx-fund">¥{yuan(d.fundFen)}</span>}>{t('insFund')}</List.Item>
      <List.Item extra={<span data-testid="rx-account">¥{yuan(d.accountFen)}</span>}>
        {t('insAccount')}
      </List.Item>
      <List.Item extra={<span data-testid="rx-cash">¥{yuan(d.cashFen)}</span>}>{t('insCash')}</List.Item>
    </List>
  );
}

/** The hospital pharmacy or one of the designated retail pharmacies able to fill it. */
function FillChooser({ rx, onDone }: { rx: PrescriptionDetail; onDone: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pharmacies = useQuery({
    queryKey: ['prescription', rx.id, 'pharmacies'],
    queryFn: () => prescriptions.pharmacies(rx.id),
  });

  const choose = async (choice: FillChoice, name: string) => {
    const ok = await Dialog.confirm({
      content: (
        <span data-testid="rx-fill-confirm-text">
          {choice.where === 'hospital' ? t('rxConfirmHospital') : t('rxConfirmRetail', { name })}
        </span>
      ),
      confirmText: <span data-testid="rx-fill-confirm">{t('rxConfirmOk')}</span>,
      cancelText: t('cancel'),
    });
    if (!ok) return;
    setError(null);
    setBusy(choice.where === 'hospital' ? 'hospital' : choice.pharmacyCode);
    try {
      const next = await prescriptions.fill(rx.id, choice);
      queryClient.setQueryData(['prescription', rx.id], next);
      Toast.show({ icon: 'success', content: t('rxChosen') });
      onDone();
      // the pickup code (or the hospital's hint) is at the top
      window.scrollTo({ top: 0 });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(null);
      await queryClient.invalidateQueries({ queryKey: ['prescription', rx.id] });
      await queryClient.invalidateQueries({ queryKey: ['prescriptions'] });
    }
  };

  return (
    <div data-testid="rx-fill">
      <div className="section-title padded-x">{t('rxChooseWhere')}</div>
      {error ? (
        <div className="form-error padded-x" role="alert" data-testid="rx-fill-error">
          {error}
        </div>
      ) : null}
      <List className="card">
        <List.Item
          description={t('rxHospitalPharmacyHint')}
          extra={
            <Button
              size="small"
              loading={busy === 'hospital'}
              disabled={busy !== null}
              onClick={() => choose({ where: 'hospital' }, t('rxHospitalPharmacy'))}
              data-testid="rx-fill-hospital"
            >
              {t('rxChoose')}
            </Button>
          }
        >
          {t('rxHospitalPharmacy')}
        </List.Item>
      </List>
      <div className="section-title padded-x">{t('rxRetailPharmacies')}</div>
      {rx.dualChannel ? <NoticeBar color="info" wrap content={t('rxDualChannelOnly')} /> : null}
      <QueryView query={pharmacies} empty={(x) => x.length === 0} emptyText={t('rxNoPharmacies')}>
        {(rows) => (
          <List className="card" data-testid="rx-pharmacies">
            {rows.map((ph) => (
              <PharmacyRow
                key={ph.code}
                pharmacy={ph}
                current={rx.pharmacy?.code === ph.code}
                busy={busy}
                onChoose={() => choose({ where: 'retail', pharmacyCode: ph.code }, ph.name)}
              />
            ))}
          </List>
        )}
      </QueryView>
    </div>
  );
}

function PharmacyRow(props: {
  pharmacy: DesignatedPharmacy;
  current: boolean;
  busy: string | null;
  onChoose: () => void;
}) {
  const { t } = useI18n();
  const ph = props.pharmacy;
  return (
    <List.Item
      data-testid="rx-pharmacy-option"
      data-code={ph.code}
      data-dual-channel={ph.dualChannel ? 'true' : 'false'}
      data-in-stock={ph.inStock ? 'true' : 'false'}
      description={
        <>
          <div>{ph.address}</div>
          <div>
            {ph.phone}
            {ph.distanceKm != null ? ` · ${t('rxDistance', { km: ph.distanceKm })}` : ''}
          </div>
        </>
      }
      extra={
        <Button
          size="small"
          color="primary"
          fill={props.current ? 'none' : 'solid'}
          disabled={props.current || !ph.inStock || props.busy !== null}
          loading={props.busy === ph.code}
          onClick={props.onChoose}
          data-testid="rx-pharmacy-choose"
        >
          {t('rxChoose')}
        </Button>
      }
    >
      {ph.name}{' '}
      {ph.dualChannel ? (
        <Tag color="success" fill="outline">
          {t('rxDualChannel')}
        </Tag>
      ) : null}{' '}
      <Tag color={ph.inStock ? 'primary' : 'default'} fill="outline">
        {ph.inStock ? t('rxInStock') : t('rxOutOfStock')}
      </Tag>
    </List.Item>
  );
}
