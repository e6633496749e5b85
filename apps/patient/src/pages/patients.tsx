import { type RecordsAccess, idTypeLabels, recordsAccessLabels, relationLabels } from '@qingnang/contracts';
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, List, NoticeBar, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useNavigate, useParams } from 'react-router';
import {
  ApiError,
  hisProfile,
  patients,
  type HisPatientFile,
  type IdType,
  type Patient,
  type Relation,
} from '../api';
import { del, get } from '../api/client';
import { errorText, Page, QueryView, Section, TextInput } from '../components/common';
import { useI18n, type MessageKey } from '../i18n';
import { faceToken, useFaceVerificationRequired } from './face-verification';

/**
 * Whether the hospital's records of this person reach the account, and if not what is missing (the
 * server's recordsAccess): an ID number alone opens nothing.
 */
const recordsAccessOf = (p: Patient): RecordsAccess =>
  (p as Patient & { recordsAccess?: RecordsAccess }).recordsAccess ??
  (!p.verified ? 'unverified' : p.consent === 'pending' ? 'consent_pending' : 'open');

export function PatientTags({ patient: p }: { patient: Patient }) {
  const { t, code } = useI18n();
  const access = recordsAccessOf(p);
  return (
    <span className="tags-inline">
      {p.isDefault ? (
        <Tag color="primary" data-testid="patient-default-tag">
          {t('patientDefault')}
        </Tag>
      ) : null}
      <Tag color={p.verified ? 'success' : 'warning'} fill="outline">
        {p.verified ? t('patientVerified') : t('patientUnverified')}
      </Tag>
      {access !== 'open' && access !== 'unverified' ? (
        <Tag color="warning" fill="outline" data-testid="patient-records-access">
          {code(recordsAccessLabels, access)}
        </Tag>
      ) : null}
    </span>
  );
}

export function PatientsPage() {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const list = useQuery({ queryKey: ['patients', 'page'], queryFn: patients.page });
  const max = list.data?.max;
  const full = max !== undefined && (list.data?.items.length ?? 0) >= max;
  return (
    <Page
      title={t('patientsTitle')}
      testId="patients-page"
      footer={
        <Button
          block
          color="primary"
          disabled={full}
          data-testid="patient-add"
          onClick={() => navigate('/patients/new')}
        >
          <AddOutline /> {t('patientsAdd')}
        </Button>
      }
    >
      <QueryView query={list} empty={(d) => d.items.length === 0} emptyText={t('patientsEmpty')}>
        {(data) => (
          <div data-testid="patient-list">
            {data.items.map((p) => (
              <div
                key={p.id}
                className="card patient-card"
                data-testid="patient-item"
                data-id={p.id}
                onClick={() => navigate(`/patients/${p.id}`)}
              >
                <div className="patient-card-head">
                  <span className="strong">{p.name}</span>
                  <span className="muted small">{code(relationLabels, p.relation)}</span>
                  <PatientTags patient={p} />
                </div>
                <div className="small muted">
                  {code(idTypeLabels, p.idType)}
                  {t('colon')}
                  <span data-testid="patient-id-masked">{p.idNumberMasked}</span>
                </div>
                <div className="small muted">
                  {t('patientPhone')}
                  {t('colon')}
                  <span data-testid="patient-phone-masked">{p.phoneMasked}</span>
                </div>
              </div>
            ))}
          </div>
        )}
      </QueryView>
      {max !== undefined ? (
        <div className="muted small center padded">{t('patientsLimit', { n: max })}</div>
      ) : null}
    </Page>
  );
}

const ID_TYPES: IdType[] = ['resident_id', 'hk_macao_tw_residence', 'foreign_permanent_residence'];
const RELATIONS: Relation[] = ['self', 'spouse', 'parent', 'child', 'other'];

export function AddPatientPage() {
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [idType, setIdType] = useState<IdType>('resident_id');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [relation, setRelation] = useState<Relation>('self');
  const [error, setError] = useState<string | null>(null);
  const [claimed, setClaimed] = useState(false);
  const { l } = useI18n();
  // IDN-13: this hospital may ask for a live face before one adds oneself
  const faceRequired = useFaceVerificationRequired();
  const add = useMutation({
    mutationFn: async () => {
      const person = { name: name.trim(), idType, idNumber: idNumber.trim().toUpperCase() };
      const face = relation === 'self' && faceRequired ? await faceToken(l, person) : undefined;
      if (relation === 'self' && faceRequired && !face) return undefined;
      return patients.add({ ...person, phone: phone.trim(), relation, ...(face ? { faceToken: face } : {}) });
    },
    onSuccess: async (p) => {
      if (!p) return; // the face step was cancelled: nothing was sent
      await queryClient.invalidateQueries({ queryKey: ['patients'] });
      Toast.show({ icon: 'success', content: t('patientAdded') });
      navigate(p?.id ? `/patients/${p.id}` : '/patients', { replace: true });
    },
    onError: (err) => {
      // IDENTITY_CLAIMED: another account holds this identity as "self"; the notice shows the way out
      setClaimed(err instanceof ApiError && err.code === 'IDENTITY_CLAIMED');
      setError(errorText(err));
    },
  });
  const submit = () => {
    setError(null);
    setClaimed(false);
    if (!name.trim()) return setError(t('patientNameRequired'));
    if (!idNumber.trim()) return setError(t('patientIdRequired'));
    if (!/^1[3-9]\d{9}$/.test(phone.trim())) return setError(t('phoneInvalid'));
    add.mutate();
  };
  return (
    <Page title={t('patientsAdd')} testId="add-patient-page">
      <div className="form card">
        <label className="form-row">
          <span className="form-label">{t('patientName')}</span>
          <TextInput
            testId="patient-name"
            value={name}
            onChange={setName}
            placeholder={t('patientNamePlaceholder')}
            maxLength={60}
          />
        </label>
        <label className="form-row">
          <span className="form-label">{t('patientIdType')}</span>
          <select
            className="text-input"
            data-testid="patient-id-type"
            value={idType}
            onChange={(e) => setIdType(e.target.value as IdType)}
          >
            {ID_TYPES.map((x) => (
              <option key={x} value={x}>
                {code(idTypeLabels, x)}
              </option>
            ))}
          </select>
        </label>
        <label className="form-row">
          <span className="form-label">{t('patientIdNumber')}</span>
          <TextInput
            testId="patient-id-number"
            value={idNumber}
            onChange={setIdNumber}
            placeholder={t('patientIdNumberPlaceholder')}
            maxLength={32}
          />
        </label>
        <label className="form-row">
          <span className="form-label">{t('patientPhone')}</span>
          <TextInput
            testId="patient-phone"
            type="tel"
            inputMode="numeric"
            value={phone}
            onChange={(v) => setPhone(v.replace(/\D/g, ''))}
            placeholder={t('phonePlaceholder')}
            maxLength={11}
          />
        </label>
        <label className="form-row">
          <span className="form-label">{t('patientRelation')}</span>
          <select
            className="text-input"
            data-testid="patient-relation"
            value={relation}
            onChange={(e) => setRelation(e.target.value as Relation)}
          >
            {RELATIONS.map((x) => (
              <option key={x} value={x}>
                {code(relationLabels, x)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <div className="form-error padded-x" role="alert" data-testid="patient-form-error">
          {error}
        </div>
      ) : null}
      {claimed ? (
        <div className="padded-x" data-testid="patient-identity-claimed">
          <NoticeBar
            color="alert"
            wrap
            content={
              <span>
                <strong>{t('identityClaimedTitle')}</strong> {t('identityClaimedWayOut')}
              </span>
            }
          />
        </div>
      ) : null}
      <div className="padded">
        <Button
          block
          color="primary"
          size="large"
          loading={add.isPending}
          onClick={submit}
          data-testid="patient-submit"
        >
          {t('submit')}
        </Button>
      </div>
    </Page>
  );
}

export function PatientPage() {
  const { id = '' } = useParams();
  const { t, code } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const patient = useQuery({ queryKey: ['patients', id], queryFn: () => patients.get(id) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['patients'] });
  const setDefault = useMutation({
    mutationFn: () => patients.setDefault(id),
    onSuccess: async () => {
      await refresh();
      Toast.show({ icon: 'success', content: t('operationDone') });
    },
    onError: (err) => Toast.show({ content: errorText(err) }),
  });
  const remove = async (p: Patient) => {
    const ok = await Dialog.confirm({
      content: t('patientRemoveConfirm', { name: p.name }),
      confirmText: t('patientRemove'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    try {
      await patients.remove(p.id);
      await queryClient.invalidateQueries({ queryKey: ['patients'] });
      Toast.show({ content: t('patientRemoved') });
      navigate('/patients', { replace: true });
    } catch (err) {
      Toast.show({ content: errorText(err) });
    }
  };
  return (
    <Page title={t('patientDetail')} testId="patient-page">
      <QueryView query={patient}>
        {(p) => (
          <>
            <List className="card" header={<PatientTags patient={p} />}>
              <List.Item extra={<span data-testid="patient-detail-name">{p.name}</span>}>
                {t('patientName')}
              </List.Item>
              <List.Item extra={code(relationLabels, p.relation)}>{t('patientRelation')}</List.Item>
              <List.Item extra={code(idTypeLabels, p.idType)}>{t('patientIdType')}</List.Item>
              <List.Item extra={<span data-testid="patient-id-masked">{p.idNumberMasked}</span>}>
                {t('patientIdNumber')}
              </List.Item>
              <List.Item extra={<span data-testid="patient-phone-masked">{p.phoneMasked}</span>}>
                {t('patientPhone')}
              </List.Item>
              {p.gender ? (
                <List.Item
                  extra={p.gender === 'male' ? t('male') : p.gender === 'female' ? t('female') : p.gender}
                >
                  {t('patientGender')}
                </List.Item>
              ) : null}
              {p.birthDate ? <List.Item extra={p.birthDate}>{t('patientBirthDate')}</List.Item> : null}
            </List>
            <ChangeSection patient={p} onChanged={refresh} />
            <ConsentSection patient={p} onChanged={refresh} />
            {p.relation === 'self' && p.verified ? <RecordSharingSection patient={p} /> : null}
            <CardsSection patient={p} onChanged={refresh} />
            <HisRecordSection patient={p} />
            <List className="card">
              <List.Item
                clickable
                onClick={() => navigate(`/access-log?patient=${encodeURIComponent(p.id)}`)}
                data-testid="patient-access-log"
              >
                {t('accessLogEntry')}
              </List.Item>
            </List>
            <div className="padded stack">
              {!p.isDefault ? (
                <Button
                  block
                  loading={setDefault.isPending}
                  onClick={() => setDefault.mutate()}
                  data-testid="patient-set-default"
                >
                  {t('patientSetDefault')}
                </Button>
              ) : null}
              <Button
                block
                color="danger"
                fill="outline"
                onClick={() => remove(p)}
                data-testid="patient-remove"
              >
                {t('patientRemove')}
              </Button>
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

const hisCardStatusKey = {
  active: 'hisCardActive',
  frozen: 'hisCardFrozen',
  cancelled: 'hisCardCancelled',
} as const satisfies Record<HisPatientFile['cardStatus'], MessageKey>;
const hisInsuranceKey = {
  self_pay: 'hisInsuranceSelfPay',
  employee: 'hisInsuranceEmployee',
  resident: 'hisInsuranceResident',
} as const satisfies Record<HisPatientFile['insuranceType'], MessageKey>;

/** IDN-07: the hospital's own file of this patient, read from the HIS behind the bound visit card. */
function HisRecordSection({ patient: p }: { patient: Patient }) {
  const { t } = useI18n();
  const ready = !!p.visitCardNo && p.consent !== 'pending';
  const file = useQuery({
    queryKey: ['patients', p.id, 'his-profile', p.visitCardNo],
    queryFn: () => hisProfile.get(p.id),
    enabled: ready,
    // a card bound a moment ago reaches the HIS a few seconds later (visit_card.bound): wait for it
    retry: (count, err) =>
      err instanceof ApiError
        ? err.code === 'HIS_PATIENT_NOT_FOUND'
          ? count < 4
          : err.status >= 500 && count < 2
        : count < 2,
    retryDelay: 1500,
  });
  return (
    <Section title={t('hisRecordTitle')}>
      <div data-testid="his-record">
        {!p.visitCardNo ? (
          <NoticeBar content={t('hisRecordNeedsCard')} color="info" wrap />
        ) : p.consent === 'pending' ? (
          <NoticeBar content={t('hisRecordNeedsConsent')} color="info" wrap />
        ) : (
          <QueryView query={file}>
            {(f) => (
              <List className="card" header={t('hisRecordHint')}>
                <List.Item extra={<span data-testid="his-patient-id">{f.hisPatientId}</span>}>
                  {t('hisPatientId')}
                </List.Item>
                <List.Item extra={f.name}>{t('patientName')}</List.Item>
                {f.gender ? (
                  <List.Item extra={f.gender === 'male' ? t('male') : t('female')}>
                    {t('patientGender')}
                  </List.Item>
                ) : null}
                {f.birthDate ? <List.Item extra={f.birthDate}>{t('patientBirthDate')}</List.Item> : null}
                {f.idNumberMasked ? (
                  <List.Item extra={<span data-testid="his-id-masked">{f.idNumberMasked}</span>}>
                    {t('patientIdNumber')}
                  </List.Item>
                ) : null}
                {f.phoneMasked ? (
                  <List.Item extra={<span data-testid="his-phone-masked">{f.phoneMasked}</span>}>
                    {t('patientPhone')}
                  </List.Item>
                ) : null}
                <List.Item
                  extra={
                    <Tag color={f.cardStatus === 'active' ? 'success' : 'danger'} fill="outline">
                      {t(hisCardStatusKey[f.cardStatus])}
                    </Tag>
                  }
                >
                  {t('hisCardStatus')}
                </List.Item>
                <List.Item
                  extra={<span data-testid="his-insurance">{t(hisInsuranceKey[f.insuranceType])}</span>}
                >
                  {t('hisInsuranceType')}
                </List.Item>
                <List.Item
                  extra={
                    <span data-testid="his-allergies">
                      {f.allergies.length ? f.allergies.join('、') : t('hisAllergiesNone')}
                    </span>
                  }
                >
                  {t('hisAllergies')}
                </List.Item>
                {f.address ? <List.Item extra={f.address}>{t('hisAddress')}</List.Item> : null}
                {f.fileCreatedOn ? (
                  <List.Item extra={f.fileCreatedOn}>{t('hisFileCreatedOn')}</List.Item>
                ) : null}
                <List.Item extra={f.lastVisitOn ?? t('hisNoVisit')}>{t('hisLastVisitOn')}</List.Item>
              </List>
            )}
          </QueryView>
        )}
      </div>
    </Section>
  );
}

/** IDN-10: an adult added by this account must authorise before their records are shown. */
function ConsentSection({ patient: p, onChanged }: { patient: Patient; onChanged: () => Promise<unknown> }) {
  const { t } = useI18n();
  const [requested, setRequested] = useState(false);
  const [sandboxCode, setSandboxCode] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentNote, setSentNote] = useState<string | null>(null);
  const state = p.consent;
  const access = recordsAccessOf(p);
  const label =
    state === 'granted'
      ? t('consentGranted')
      : state === 'pending'
        ? t('consentRequired')
        : t('consentNotRequired');

  const request = async () => {
    setError(null);
    setBusy(true);
    try {
      const sent = (await patients.requestConsent(p.id)) as
        { sandboxCode?: string; phoneMasked?: string; sentTo?: 'own_account' | 'entered' } | undefined;
      setRequested(true);
      setSandboxCode(sent?.sandboxCode ?? null);
      setSentNote(
        t(sent?.sentTo === 'own_account' ? 'consentSentToOwnAccount' : 'consentSentToEntered', {
          phone: sent?.phoneMasked ?? '',
        }),
      );
      Toast.show({ content: t('consentCodeSent') });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setError(null);
    setBusy(true);
    try {
      await patients.confirmConsent(p.id, code.trim());
      Toast.show({ icon: 'success', content: t('consentDone') });
      setRequested(false);
      await onChanged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title={t('patientConsent')}
      className="card"
      extra={<span data-testid="patient-consent-state">{label}</span>}
    >
      {access === 'unverified' ? (
        <NoticeBar color="alert" wrap content={t('recordsUnverifiedExplain')} />
      ) : access === 'guardian_pending' ? (
        <NoticeBar
          color="info"
          wrap
          content={<span data-testid="consent-guardian-counter">{t('guardianAtCounter')}</span>}
        />
      ) : state === 'pending' ? (
        <div className="stack">
          <p className="small muted">{t('consentExplain')}</p>
          <p className="small muted">{t('recordsLockedExplain')}</p>
          {sentNote ? (
            <p className="small" data-testid="consent-sent-to">
              {sentNote}
            </p>
          ) : null}
          {sandboxCode ? (
            <NoticeBar
              color="info"
              content={
                <span data-testid="consent-sandbox-code">{t('sandboxCode', { code: sandboxCode })}</span>
              }
            />
          ) : null}
          {requested ? (
            <div className="login-code-row">
              <TextInput
                testId="consent-code"
                inputMode="numeric"
                maxLength={6}
                value={code}
                onChange={(v) => setCode(v.replace(/\D/g, ''))}
                placeholder={t('consentCode')}
              />
              <Button
                size="small"
                color="primary"
                loading={busy}
                onClick={confirm}
                data-testid="consent-confirm"
              >
                {t('consentConfirm')}
              </Button>
            </div>
          ) : null}
          <Button
            size="small"
            fill="outline"
            color="primary"
            loading={busy && !requested}
            onClick={request}
            data-testid="consent-request"
          >
            {t('consentRequest')}
          </Button>
          {error ? (
            <div className="form-error" role="alert" data-testid="consent-error">
              {error}
            </div>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

interface RecordSharing {
  id: string;
  relation: Relation;
  accountPhoneMasked: string | null;
  consent: 'not_required' | 'pending' | 'granted';
  consentAt: string | null;
}

/** The person's side of consent: which other accounts added them, and withdrawing one at once. */
function RecordSharingSection({ patient: p }: { patient: Patient }) {
  const { t, code } = useI18n();
  const queryClient = useQueryClient();
  const key = ['patients', p.id, 'record-sharing'];
  const sharing = useQuery({
    queryKey: key,
    queryFn: () => get<{ items: RecordSharing[] }>(`/patients/${p.id}/record-sharing`),
  });
  const revoke = useMutation({
    mutationFn: (sharingId: string) =>
      del<{ items: RecordSharing[] }>(`/patients/${p.id}/record-sharing/${sharingId}`),
    onSuccess: async () => {
      Toast.show({ content: t('recordSharingRevoked') });
      await queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => Toast.show({ content: errorText(err) }),
  });
  const items = sharing.data?.items ?? [];
  return (
    <Section title={t('recordSharingTitle')} className="card">
      {items.length === 0 ? (
        <p className="small muted" data-testid="record-sharing-empty">
          {t('recordSharingEmpty')}
        </p>
      ) : (
        <List>
          {items.map((s) => (
            <List.Item
              key={s.id}
              data-testid="record-sharing-item"
              description={code(relationLabels, s.relation)}
              extra={
                s.consent === 'granted' ? (
                  <Button
                    size="mini"
                    color="danger"
                    fill="outline"
                    loading={revoke.isPending}
                    onClick={() => revoke.mutate(s.id)}
                    data-testid="record-sharing-revoke"
                  >
                    {t('recordSharingRevoke')}
                  </Button>
                ) : (
                  <span className="small muted">{t('recordsConsentPending')}</span>
                )
              }
            >
              {t('recordSharingAccount', { phone: s.accountPhoneMasked ?? '—' })}
            </List.Item>
          ))}
        </List>
      )}
    </Section>
  );
}

/** IDN-11 / IDN-12: the visit card and the health card of one patient. */
export function CardsSection({
  patient: p,
  onChanged,
}: {
  patient: Patient;
  onChanged: () => Promise<unknown>;
}) {
  const { t } = useI18n();
  const kinds = [
    { kind: 'visit' as const, label: t('visitCard'), no: p.visitCardNo },
    { kind: 'health' as const, label: t('healthCard'), no: p.healthCardNo },
  ];
  const bind = async (kind: 'visit' | 'health', existing: boolean) => {
    let cardNo: string | undefined;
    if (existing) {
      let value = '';
      const ok = await Dialog.confirm({
        title: t('cardBindExisting'),
        content: <CardNumberField onValue={(v) => (value = v)} placeholder={t('cardNoPlaceholder')} />,
        confirmText: t('confirm'),
        cancelText: t('cancel'),
      });
      if (!ok) return;
      cardNo = value.trim();
      if (!cardNo) return;
    }
    try {
      if (kind === 'visit') await patients.bindVisitCard(p.id, cardNo);
      else await patients.bindHealthCard(p.id, cardNo);
      Toast.show({ icon: 'success', content: t('cardBound') });
      await onChanged();
    } catch (err) {
      Toast.show({ content: errorText(err) });
    }
  };
  const unbind = async (kind: 'visit' | 'health') => {
    const ok = await Dialog.confirm({
      content: t('cardUnbindConfirm'),
      confirmText: t('cardUnbind'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    try {
      if (kind === 'visit') await patients.unbindVisitCard(p.id);
      else await patients.unbindHealthCard(p.id);
      Toast.show({ content: t('cardUnbound') });
      await onChanged();
    } catch (err) {
      Toast.show({ content: errorText(err) });
    }
  };
  return (
    <div className="cards-row">
      {kinds.map(({ kind, label, no }) => (
        <div key={kind} className={`member-card ${kind} ${no ? 'bound' : ''}`} data-testid={`${kind}-card`}>
          <div className="member-card-title">{label}</div>
          <div className="member-card-no" data-testid={`${kind}-card-no`}>
            {no ?? t('cardNone')}
          </div>
          <div className="member-card-actions">
            {no ? (
              <Button
                size="mini"
                fill="outline"
                onClick={() => unbind(kind)}
                data-testid={`${kind}-card-unbind`}
              >
                {t('cardUnbind')}
              </Button>
            ) : (
              <>
                <Button
                  size="mini"
                  color="primary"
                  onClick={() => bind(kind, false)}
                  data-testid={`${kind}-card-create`}
                >
                  {t('cardCreate')}
                </Button>
                <Button
                  size="mini"
                  fill="outline"
                  onClick={() => bind(kind, true)}
                  data-testid={`${kind}-card-bind`}
                >
                  {t('cardBindExisting')}
                </Button>
              </>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}

function CardNumberField({ onValue, placeholder }: { onValue: (v: string) => void; placeholder: string }) {
  const [value, setValue] = useState('');
  return (
    <TextInput
      testId="card-number"
      value={value}
      onChange={(v) => {
        const clean = v.replace(/[^A-Za-z0-9]/g, '');
        setValue(clean);
        onValue(clean);
      }}
      placeholder={placeholder}
      maxLength={64}
    />
  );
}

/** Phone and relation are edited freely; name and ID number only through identity change (IDN-09). */
function ChangeSection({ patient: p, onChanged }: { patient: Patient; onChanged: () => Promise<unknown> }) {
  const { t, code } = useI18n();
  const editContact = async () => {
    const form = { phone: '', relation: p.relation as Relation };
    const ok = await Dialog.confirm({
      title: t('patientEditContact'),
      // dialogs render outside the app's providers: hand the texts in rather than reading context
      content: (
        <ContactFields
          initial={p.relation}
          phonePlaceholder={t('patientNewPhone')}
          relations={RELATIONS.map((x) => ({ value: x, label: code(relationLabels, x) }))}
          onChange={(v) => Object.assign(form, v)}
        />
      ),
      confirmText: t('save'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    try {
      await patients.update(p.id, { phone: form.phone || undefined, relation: form.relation });
      Toast.show({ icon: 'success', content: t('operationDone') });
      await onChanged();
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="patient-edit-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    }
  };
  const changeIdentity = async () => {
    const form = { name: '', idNumber: '' };
    const ok = await Dialog.confirm({
      title: t('patientIdentityChange'),
      content: (
        <IdentityFields
          namePlaceholder={t('patientNamePlaceholder')}
          idPlaceholder={t('patientIdNumberPlaceholder')}
          onChange={(v) => Object.assign(form, v)}
        />
      ),
      confirmText: t('submit'),
      cancelText: t('cancel'),
    });
    if (!ok) return;
    try {
      await patients.changeIdentity(p.id, {
        name: form.name.trim(),
        idNumber: form.idNumber.trim().toUpperCase(),
      });
      Toast.show({ icon: 'success', content: t('operationDone') });
      await onChanged();
    } catch (err) {
      Dialog.alert({
        content: <span data-testid="patient-identity-error">{errorText(err)}</span>,
        confirmText: t('confirm'),
      });
    }
  };
  return (
    <List className="card">
      <List.Item arrowIcon onClick={editContact} data-testid="patient-edit-contact">
        {t('patientEditContact')}
      </List.Item>
      <List.Item
        arrowIcon
        onClick={changeIdentity}
        description={t('patientIdentityChangeHint')}
        data-testid="patient-identity-change"
      >
        {t('patientIdentityChange')}
      </List.Item>
    </List>
  );
}

function ContactFields(props: {
  initial: Relation;
  phonePlaceholder: string;
  relations: Array<{ value: Relation; label: string }>;
  onChange: (v: { phone?: string; relation?: Relation }) => void;
}) {
  const [phone, setPhone] = useState('');
  const [relation, setRelation] = useState<Relation>(props.initial);
  return (
    <div className="stack">
      <TextInput
        testId="patient-edit-phone"
        type="tel"
        inputMode="numeric"
        maxLength={11}
        value={phone}
        placeholder={props.phonePlaceholder}
        onChange={(v) => {
          const clean = v.replace(/\D/g, '');
          setPhone(clean);
          props.onChange({ phone: clean });
        }}
      />
      <select
        className="text-input"
        data-testid="patient-edit-relation"
        value={relation}
        onChange={(e) => {
          setRelation(e.target.value as Relation);
          props.onChange({ relation: e.target.value as Relation });
        }}
      >
        {props.relations.map((x) => (
          <option key={x.value} value={x.value}>
            {x.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function IdentityFields(props: {
  namePlaceholder: string;
  idPlaceholder: string;
  onChange: (v: { name?: string; idNumber?: string }) => void;
}) {
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  return (
    <div className="stack">
      <TextInput
        testId="identity-name"
        value={name}
        maxLength={60}
        placeholder={props.namePlaceholder}
        onChange={(v) => {
          setName(v);
          props.onChange({ name: v });
        }}
      />
      <TextInput
        testId="identity-id-number"
        value={idNumber}
        maxLength={32}
        placeholder={props.idPlaceholder}
        onChange={(v) => {
          setIdNumber(v);
          props.onChange({ idNumber: v });
        }}
      />
    </div>
  );
}
